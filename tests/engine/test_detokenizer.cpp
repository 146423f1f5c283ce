// StreamingDetokenizer: text comes out only in whole UTF-8 characters, whatever way the bytes are
// split over tokens, and bytes that can never form a character come out as U+FFFD.
#include <string>
#include <vector>

#include "chord_test.h"
#include "chord/gguf.h"
#include "chord/tokenizer.h"

namespace {

using chord::TokenId;

const std::string kReplacement = "\xEF\xBF\xBD";

std::unique_ptr<chord::Tokenizer> load_stories() {
    const auto file = chord::GgufFile::open(std::string(CHORD_SHARED_DIR) + "/models/stories260K.gguf");
    return chord::Tokenizer::from_gguf(*file);
}

// stories260K's vocabulary starts with <unk>, <s>, </s>, then <0x00>..<0xFF>.
TokenId byte_token(const chord::Tokenizer& tok, unsigned char b) {
    const TokenId id = 3 + b;
    return tok.vocab().tokens[static_cast<size_t>(id)] == [&] {
        static const char* hex = "0123456789ABCDEF";
        return std::string{'<', '0', 'x', hex[b >> 4], hex[b & 15], '>'};
    }() ? id : -1;
}

bool is_valid_utf8(const std::string& s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

}  // namespace

class TestDetokenizer : public QObject {
    Q_OBJECT
private slots:
    void multiByteCharacterSplitOverByteTokens();
    void streamEqualsDecodeForMixedText();
    void invalidBytesBecomeReplacementCharacters();
    void flushReleasesAnUnfinishedCharacter();
};

void TestDetokenizer::multiByteCharacterSplitOverByteTokens() {
    const auto tok = load_stories();
    // "日" is E6 97 A5: three byte tokens in this 512-token vocabulary.
    const std::vector<TokenId> ids = tok->encode("日", false, false);
    QCOMPARE(ids.size(), size_t(4));  // ▁, then the three bytes
    QCOMPARE(ids[1], byte_token(*tok, 0xE6));
    QCOMPARE(ids[2], byte_token(*tok, 0x97));
    QCOMPARE(ids[3], byte_token(*tok, 0xA5));

    chord::StreamingDetokenizer detok(*tok);
    QCOMPARE(detok.push(ids[0]), std::string(" "));
    QCOMPARE(detok.push(ids[1]), std::string());
    QCOMPARE(detok.push(ids[2]), std::string());
    QCOMPARE(detok.push(ids[3]), std::string("日"));
    QCOMPARE(detok.flush(), std::string());
}

void TestDetokenizer::streamEqualsDecodeForMixedText() {
    const auto tok = load_stories();
    const std::string text = "Lily saw a 🦙 and said “héllo” — 日本語 ok.";
    const std::vector<TokenId> ids = tok->encode(text, true, false);
    chord::StreamingDetokenizer detok(*tok);
    std::string streamed;
    for (TokenId id : ids) {
        const std::string part = detok.push(id);
        QVERIFY2(is_valid_utf8(part), part.c_str());
        streamed += part;
    }
    streamed += detok.flush();
    QCOMPARE(streamed, " " + text);
    QCOMPARE(streamed, tok->decode(ids));
}

void TestDetokenizer::invalidBytesBecomeReplacementCharacters() {
    const auto tok = load_stories();
    chord::StreamingDetokenizer detok(*tok);
    // A continuation byte with no lead, and 0xFF, can never be part of a character: out at once.
    QCOMPARE(detok.push(byte_token(*tok, 0x97)), kReplacement);
    QCOMPARE(detok.push(byte_token(*tok, 0xFF)), kReplacement);
    // A lead byte followed by ASCII: the lead is given up when the ASCII arrives.
    QCOMPARE(detok.push(byte_token(*tok, 0xE6)), std::string());
    QCOMPARE(detok.push(byte_token(*tok, 'A')), kReplacement + "A");
    // An overlong lead (0xC0) and a surrogate start (ED A0) are never valid either.
    QCOMPARE(detok.push(byte_token(*tok, 0xC0)), kReplacement);
    QCOMPARE(detok.push(byte_token(*tok, 0xED)), std::string());
    QCOMPARE(detok.push(byte_token(*tok, 0xA0)), kReplacement + kReplacement);
    QCOMPARE(detok.flush(), std::string());
}

void TestDetokenizer::flushReleasesAnUnfinishedCharacter() {
    const auto tok = load_stories();
    chord::StreamingDetokenizer detok(*tok);
    QCOMPARE(detok.push(byte_token(*tok, 0xF0)), std::string());
    QCOMPARE(detok.push(byte_token(*tok, 0x9F)), std::string());
    QCOMPARE(detok.flush(), kReplacement + kReplacement);
    QCOMPARE(detok.flush(), std::string());
    // reset() drops held bytes without emitting them.
    QCOMPARE(detok.push(byte_token(*tok, 0xE6)), std::string());
    detok.reset();
    QCOMPARE(detok.push(byte_token(*tok, 'x')), std::string("x"));
}

CHORD_TEST_MAIN(TestDetokenizer, multiByteCharacterSplitOverByteTokens, streamEqualsDecodeForMixedText,
                invalidBytesBecomeReplacementCharacters, flushReleasesAnUnfinishedCharacter)
#ifndef CHORD_TEST_NO_QT
#include "test_detokenizer.moc"
#endif
