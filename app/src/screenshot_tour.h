#pragma once
// `chord --screenshot-dir DIR`: drives the real window through the states the documentation shows and
// saves them: main-light.png, main-dark.png, settings.png, error.png. Uses temporary chats and
// settings so the user's own are never touched.
#include <QString>

namespace chord::app {

int runScreenshotTour(const QString& directory, const QString& modelPath);

}  // namespace chord::app
