#pragma once
// Engine tests are Qt Test classes. Where Qt cannot exist (the cross-compiled aarch64 build, engine-only
// sanitizer builds) this header provides the few QtTest macros the engine tests use, so the same test
// sources run there too. Engine tests use only: QVERIFY, QVERIFY2, QCOMPARE, QSKIP, QFAIL, and end with
//   CHORD_TEST_MAIN(TestClass, testFunctionA, testFunctionB, ...)
//   #ifndef CHORD_TEST_NO_QT
//   #include "test_name.moc"
//   #endif
// (the list of test functions is what the Qt-free runner calls; QtTest finds the slots itself).

#ifndef CHORD_TEST_NO_QT

#include <QObject>
#include <QtTest>

#define CHORD_TEST_MAIN(Class, ...) QTEST_APPLESS_MAIN(Class)

#else  // Qt-free runner

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>
#include <type_traits>

#define Q_OBJECT
#define slots
#define signals public
class QObject {
public:
    virtual ~QObject() = default;
};

namespace chord_test {
struct Failure {};
struct Skip {};
inline int& failures() { static int n = 0; return n; }
template <typename T> std::string show(const T& v) {
    if constexpr (requires(std::ostream& o) { o << v; }) { std::ostringstream s; s << v; return s.str(); }
    else return "<value>";
}
inline void fail(const char* expr, const std::string& msg, const char* file, int line) {
    std::fprintf(stderr, "FAIL! %s%s%s\n   Loc: [%s(%d)]\n", expr, msg.empty() ? "" : ": ", msg.c_str(), file, line);
    throw Failure{};
}
template <typename A, typename B> bool equal(const A& a, const B& b) {
    if constexpr (std::is_floating_point_v<A> && std::is_floating_point_v<B>) {
        // QCOMPARE's fuzzy compare for floating point.
        return std::abs(double(a) - double(b)) * 1e12 <= std::min(std::abs(double(a)), std::abs(double(b))) || a == b;
    } else {
        return a == b;
    }
}
template <typename T> int run(const char* name, void (T::*fn)()) {
    T obj;
    try {
        (obj.*fn)();
        std::printf("PASS   : %s\n", name);
        return 0;
    } catch (const Skip&) {
        std::printf("SKIP   : %s\n", name);
        return 0;
    } catch (const Failure&) {
        std::printf("FAIL!  : %s\n", name);
        return 1;
    } catch (const std::exception& e) {
        std::printf("FAIL!  : %s threw %s\n", name, e.what());
        return 1;
    }
}
}  // namespace chord_test

#define QVERIFY(cond) do { if (!(cond)) chord_test::fail(#cond, "", __FILE__, __LINE__); } while (0)
#define QVERIFY2(cond, msg) do { if (!(cond)) chord_test::fail(#cond, (msg), __FILE__, __LINE__); } while (0)
#define QCOMPARE(actual, expected) do { \
    const auto chord_a_ = (actual); const auto chord_e_ = (expected); /* copies: no dangling temporaries */ \
    if (!chord_test::equal(chord_a_, chord_e_)) \
        chord_test::fail("QCOMPARE(" #actual ", " #expected ")", \
                         "actual " + chord_test::show(chord_a_) + ", expected " + chord_test::show(chord_e_), \
                         __FILE__, __LINE__); \
} while (0)
#define QFAIL(msg) chord_test::fail("QFAIL", (msg), __FILE__, __LINE__)
#define QSKIP(msg) do { std::printf("SKIP   : %s\n", (msg)); throw chord_test::Skip{}; } while (0)
#define QVERIFY_THROWS_EXCEPTION(Exc, expr) do { \
    bool chord_thrown_ = false; try { expr; } catch (const Exc&) { chord_thrown_ = true; } \
    if (!chord_thrown_) chord_test::fail(#expr, "did not throw " #Exc, __FILE__, __LINE__); } while (0)

// Test slots are private (as QtTest wants them); an explicit template instantiation may name a private
// member, so each listed slot gets a tag whose friend function returns its member pointer.
// (Global namespace: the friend must live where the tag's friend declaration puts it.)
template <typename Tag, typename Tag::type Member> struct ChordTestSlotAccess {
    friend typename Tag::type slot_of(Tag) { return Member; }
};
#define CHORD_TEST_TAG_(Class, fn) \
    struct chord_slot_##fn { using type = void (Class::*)(); friend type slot_of(chord_slot_##fn); }; \
    template struct ChordTestSlotAccess<chord_slot_##fn, &Class::fn>;
#define CHORD_TEST_RUN_ONE_(Class, fn) failed += chord_test::run<Class>(#Class "::" #fn, slot_of(chord_slot_##fn{}));
#define CHORD_TEST_FE_1(M, C, a) M(C, a)
#define CHORD_TEST_FE_2(M, C, a, ...) M(C, a) CHORD_TEST_FE_1(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_3(M, C, a, ...) M(C, a) CHORD_TEST_FE_2(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_4(M, C, a, ...) M(C, a) CHORD_TEST_FE_3(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_5(M, C, a, ...) M(C, a) CHORD_TEST_FE_4(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_6(M, C, a, ...) M(C, a) CHORD_TEST_FE_5(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_7(M, C, a, ...) M(C, a) CHORD_TEST_FE_6(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_8(M, C, a, ...) M(C, a) CHORD_TEST_FE_7(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_9(M, C, a, ...) M(C, a) CHORD_TEST_FE_8(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_10(M, C, a, ...) M(C, a) CHORD_TEST_FE_9(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_11(M, C, a, ...) M(C, a) CHORD_TEST_FE_10(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_12(M, C, a, ...) M(C, a) CHORD_TEST_FE_11(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_13(M, C, a, ...) M(C, a) CHORD_TEST_FE_12(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_14(M, C, a, ...) M(C, a) CHORD_TEST_FE_13(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_15(M, C, a, ...) M(C, a) CHORD_TEST_FE_14(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_16(M, C, a, ...) M(C, a) CHORD_TEST_FE_15(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_17(M, C, a, ...) M(C, a) CHORD_TEST_FE_16(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_18(M, C, a, ...) M(C, a) CHORD_TEST_FE_17(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_19(M, C, a, ...) M(C, a) CHORD_TEST_FE_18(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_20(M, C, a, ...) M(C, a) CHORD_TEST_FE_19(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_21(M, C, a, ...) M(C, a) CHORD_TEST_FE_20(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_22(M, C, a, ...) M(C, a) CHORD_TEST_FE_21(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_23(M, C, a, ...) M(C, a) CHORD_TEST_FE_22(M, C, __VA_ARGS__)
#define CHORD_TEST_FE_24(M, C, a, ...) M(C, a) CHORD_TEST_FE_23(M, C, __VA_ARGS__)
#define CHORD_TEST_PICK_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18, _19, _20, \
                         _21, _22, _23, _24, N, ...) N
#define CHORD_TEST_FOR_EACH_(M, Class, ...) \
    CHORD_TEST_PICK_(__VA_ARGS__, CHORD_TEST_FE_24, CHORD_TEST_FE_23, CHORD_TEST_FE_22, CHORD_TEST_FE_21, \
                     CHORD_TEST_FE_20, CHORD_TEST_FE_19, CHORD_TEST_FE_18, CHORD_TEST_FE_17, CHORD_TEST_FE_16, \
                     CHORD_TEST_FE_15, CHORD_TEST_FE_14, CHORD_TEST_FE_13, CHORD_TEST_FE_12, CHORD_TEST_FE_11, \
                     CHORD_TEST_FE_10, CHORD_TEST_FE_9, CHORD_TEST_FE_8, CHORD_TEST_FE_7, CHORD_TEST_FE_6, \
                     CHORD_TEST_FE_5, CHORD_TEST_FE_4, CHORD_TEST_FE_3, CHORD_TEST_FE_2, CHORD_TEST_FE_1) \
    (M, Class, __VA_ARGS__)
#define CHORD_TEST_MAIN(Class, ...) \
    CHORD_TEST_FOR_EACH_(CHORD_TEST_TAG_, Class, __VA_ARGS__) \
    int main() { \
        int failed = 0; \
        CHORD_TEST_FOR_EACH_(CHORD_TEST_RUN_ONE_, Class, __VA_ARGS__) \
        std::printf("Totals: %d failed\n", failed); \
        return failed == 0 ? 0 : 1; \
    }

#endif
