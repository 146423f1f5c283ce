// The Unicode tables behind the pre-tokenizers and the WordPiece normalizer, and the regex engine
// that runs llama.cpp's pre-tokenizer patterns.
//   * Tables: every code point's category, lowercase and first-of-decomposition are checked against
//     the Unicode Character Database read here independently (skipped where the database is not
//     installed: Debian package unicode-data).
//   * Regex/pre-tokenizer: splits written out by hand from the patterns' definitions.
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "chord_test.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode_tables.h"
#include "tokenizer/utf8.h"

namespace {

using chord::tokenizer::CharCategory;
using chord::tokenizer::PreTokenizer;
using chord::tokenizer::PreTokenizerKind;

const char* kUcd = "/usr/share/unicode/UnicodeData.txt";

CharCategory major_of(const std::string& gc) {
    switch (gc[0]) {
        case 'L': return CharCategory::Letter;
        case 'N': return CharCategory::Number;
        case 'P': return CharCategory::Punctuation;
        case 'S': return CharCategory::Symbol;
        case 'M': return CharCategory::Mark;
        case 'Z': return CharCategory::Separator;
        default: return CharCategory::Other;
    }
}

std::vector<std::string> fields_of(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, ';')) fields.push_back(field);
    if (!line.empty() && line.back() == ';') fields.emplace_back();
    return fields;
}

std::string join(const std::vector<std::string>& words) {
    std::string s;
    for (const std::string& w : words) s += "[" + w + "]";
    return s;
}

}  // namespace

class TestTokenizerUnicode : public QObject {
    Q_OBJECT
private slots:
    void categoriesMatchUnicodeData();
    void lowercaseAndDecompositionMatchUnicodeData();
    void whiteSpaceIsTheUnicodeProperty();
    void regexSemantics();
    void gpt2Split();
    void llama3Split();
    void deepseekSplitsCjkAndDigits();
    void longRunsSplitWithoutLoss();
};

void TestTokenizerUnicode::categoriesMatchUnicodeData() {
    std::ifstream in(kUcd);
    if (!in) QSKIP("UnicodeData.txt not installed (Debian package unicode-data)");
    std::vector<CharCategory> expected(0x110000, CharCategory::Other);
    std::string line;
    uint32_t range_first = 0;
    while (std::getline(in, line)) {
        const std::vector<std::string> f = fields_of(line);
        const auto cp = static_cast<uint32_t>(std::stoul(f[0], nullptr, 16));
        if (f[1].find(", First>") != std::string::npos) {
            range_first = cp;
            continue;
        }
        const uint32_t first = f[1].find(", Last>") != std::string::npos ? range_first : cp;
        for (uint32_t c = first; c <= cp; ++c) expected[c] = major_of(f[2]);
    }
    int mismatches = 0;
    std::string first_bad;
    for (uint32_t cp = 0; cp < 0x110000; ++cp) {
        if (chord::tokenizer::char_category(cp) != expected[cp]) {
            if (mismatches++ == 0) first_bad = std::to_string(cp);
        }
    }
    QVERIFY2(mismatches == 0, ("first mismatch at code point " + first_bad).c_str());
    QCOMPARE(chord::tokenizer::char_category(0x110000), CharCategory::Other);
}

void TestTokenizerUnicode::lowercaseAndDecompositionMatchUnicodeData() {
    std::ifstream in(kUcd);
    if (!in) QSKIP("UnicodeData.txt not installed (Debian package unicode-data)");
    std::map<uint32_t, std::vector<uint32_t>> decomposition;
    std::string line;
    int checked = 0;
    while (std::getline(in, line)) {
        const std::vector<std::string> f = fields_of(line);
        const auto cp = static_cast<uint32_t>(std::stoul(f[0], nullptr, 16));
        const uint32_t lower = f[13].empty() ? cp : static_cast<uint32_t>(std::stoul(f[13], nullptr, 16));
        QCOMPARE(chord::tokenizer::to_lower(cp), lower);
        ++checked;
        if (!f[5].empty() && f[5][0] != '<') {
            std::istringstream parts(f[5]);
            std::string hex;
            while (parts >> hex) decomposition[cp].push_back(static_cast<uint32_t>(std::stoul(hex, nullptr, 16)));
        }
    }
    QVERIFY(checked > 30000);
    for (const auto& [cp, parts] : decomposition) {
        uint32_t first = parts[0];
        while (decomposition.count(first) != 0) first = decomposition.at(first)[0];
        QCOMPARE(chord::tokenizer::nfd_first(cp), first);
    }
    // Hangul syllables decompose algorithmically: 한 (U+D55C) starts with ᄒ (U+1112).
    QCOMPARE(chord::tokenizer::nfd_first(0xD55C), 0x1112u);
    QCOMPARE(chord::tokenizer::nfd_first('e'), uint32_t('e'));
}

void TestTokenizerUnicode::whiteSpaceIsTheUnicodeProperty() {
    using chord::tokenizer::is_white_space;
    for (uint32_t cp : {0x09u, 0x0Au, 0x0Bu, 0x0Cu, 0x0Du, 0x20u, 0x85u, 0xA0u, 0x1680u, 0x2000u, 0x200Au, 0x2028u,
                        0x2029u, 0x202Fu, 0x205Fu, 0x3000u}) {
        QVERIFY2(is_white_space(cp), std::to_string(cp).c_str());
    }
    for (uint32_t cp : {0x1Cu, 0x1Fu, 0x180Eu, 0x200Bu, 0xFEFFu, uint32_t('a'), 0x110000u}) {
        QVERIFY2(!is_white_space(cp), std::to_string(cp).c_str());
    }
}

void TestTokenizerUnicode::regexSemantics() {
    using chord::tokenizer::Regex;
    using chord::tokenizer::RegexSubject;
    auto find = [](const char* pattern, const std::string& text) {
        const Regex re(pattern);
        const RegexSubject s(chord::tokenizer::to_code_points(text));
        size_t b = 0, e = 0;
        if (!re.search(s, 0, s.cps.size(), 0, b, e)) return std::string("none");
        return std::to_string(b) + "-" + std::to_string(e);
    };
    QCOMPARE(find("b+", "aabbbc"), std::string("2-5"));
    QCOMPARE(find("a|ab", "ab"), std::string("0-1"));           // first alternative wins, not longest
    QCOMPARE(find("\\s+(?!\\S)", "a   b"), std::string("1-3"));  // backs off one space before a letter
    QCOMPARE(find("\\s+(?!\\S)", "a   "), std::string("1-4"));   // …but not at the end
    QCOMPARE(find("\\p{N}{1,3}", "x12345"), std::string("1-4"));
    QCOMPARE(find("\\p{L}+", "1é日x"), std::string("1-4"));       // letters of any script
    QCOMPARE(find("[\\p{S}]", "~$"), std::string("1-2"));         // llama.cpp's ASCII \p{S} lacks '~'
    QCOMPARE(find("\\p{P}", "$,"), std::string("1-2"));
    QCOMPARE(find("[^\\s\\p{L}\\p{N}]+", "ab!?\xE2\x80\x94 c"), std::string("2-5"));  // !?— (em dash)
    QCOMPARE(find("\\s", "a\xE3\x80\x80"), std::string("1-2"));   // U+3000 is white space
    QCOMPARE(find("[　-。]", "\xE3\x80\x80\xE3\x80\x82"), std::string("1-2"));  // …and then no longer U+3000
    QCOMPARE(find("(?=(\\d{3})+(?!\\d))", "12345"), std::string("2-2"));
    QCOMPARE(find("x*?y", "xxy"), std::string("0-3"));
    QCOMPARE(find("\\s+$", "a  b  "), std::string("4-6"));
    QCOMPARE(find("((?=[\\p{L}])([^a-z]))+", "abCDe"), std::string("2-4"));
    QCOMPARE(find("[\\-a]+", "b-a-"), std::string("1-4"));
    QCOMPARE(find("[0-9]{2,}", "1 22 333"), std::string("2-4"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Regex("(?i:a)"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Regex("a\\b"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Regex("(a"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Regex("[z-a]"));
}

void TestTokenizerUnicode::gpt2Split() {
    const PreTokenizer pre(PreTokenizerKind::Gpt2);
    QCOMPARE(join(pre.split("Hello world")), std::string("[Hello][ world]"));
    QCOMPARE(join(pre.split("I'm   here!!\n")), std::string("[I]['m][  ][ here][!!][\n]"));
    QCOMPARE(join(pre.split("3.14 apples")), std::string("[3][.][14][ apples]"));
    QCOMPARE(join(pre.split("x  ")), std::string("[x][  ]"));
    // Invalid UTF-8 becomes U+FFFD (a symbol), as in llama.cpp.
    QCOMPARE(join(pre.split("a\xFF")), std::string("[a][\xEF\xBF\xBD]"));
}

void TestTokenizerUnicode::llama3Split() {
    const PreTokenizer pre(PreTokenizerKind::Llama3);
    QCOMPARE(join(pre.split("Hello world")), std::string("[Hello][ world]"));
    QCOMPARE(join(pre.split("1234567")), std::string("[123][456][7]"));
    QCOMPARE(join(pre.split("I'M HERE")), std::string("[I]['M][ HERE]"));
    QCOMPARE(join(pre.split("a \n\n b")), std::string("[a][ \n\n][ b]"));
    QCOMPARE(join(pre.split("(x)=>y;\r\n")), std::string("[(x][)=>][y][;\r\n]"));
    QCOMPARE(join(pre.split("  日本語")), std::string("[ ][ 日本語]"));
}

void TestTokenizerUnicode::deepseekSplitsCjkAndDigits() {
    const PreTokenizer coder(PreTokenizerKind::DeepseekCoder);
    QCOMPARE(join(coder.split("ab 12 中文")), std::string("[ab][ ][1][2][ ][中文]"));  // CJK split off last
    const PreTokenizer llm(PreTokenizerKind::DeepseekLlm);
    QCOMPARE(join(llm.split("Hi 中文 42\n")), std::string("[Hi][ ][中文][ ][42][\n]"));
}

// Long runs of one class (where patterns like \s+(?!\S) backtrack) come back whole.
void TestTokenizerUnicode::longRunsSplitWithoutLoss() {
    const std::string text = "a" + std::string(20000, ' ') + "b" + std::string(20000, '7') + std::string(5000, '\n');
    for (PreTokenizerKind kind : {PreTokenizerKind::Gpt2, PreTokenizerKind::Llama3, PreTokenizerKind::Qwen2,
                                  PreTokenizerKind::Default, PreTokenizerKind::Gpt4o}) {
        const PreTokenizer pre(kind);
        size_t total = 0;
        for (const std::string& w : pre.split(text)) total += w.size();
        QCOMPARE(total, text.size());
    }
}

CHORD_TEST_MAIN(TestTokenizerUnicode, categoriesMatchUnicodeData, lowercaseAndDecompositionMatchUnicodeData,
                whiteSpaceIsTheUnicodeProperty, regexSemantics, gpt2Split, llama3Split, deepseekSplitsCjkAndDigits,
                longRunsSplitWithoutLoss)
#ifndef CHORD_TEST_NO_QT
#include "test_tokenizer_unicode.moc"
#endif
