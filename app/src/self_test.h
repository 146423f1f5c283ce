#pragma once
// `chord --self-test`: proves an installation works end to end without a display. It builds the real
// app (QML window offscreen, temporary chat database and settings), loads the model, generates a few
// tokens, prints them with the backends used, and returns 0 on success.
#include <QString>
#include <functional>

namespace chord::app {

int runSelfTest(const QString& modelPath);

// Runs the event loop until done() or timeoutMs passes; returns done().
bool waitUntil(const std::function<bool()>& done, int timeoutMs);

}  // namespace chord::app
