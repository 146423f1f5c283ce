#pragma once
// <immintrin.h> for the x86 kernel folders. g++ 12's AVX-512 headers build "undefined" vectors from
// self-initialised locals (`__m512 __Y = __Y;`, GCC PR105593), which -Wuninitialized reports inside the
// header wherever an intrinsic such as _mm512_max_ps is inlined; the warning is silenced for the
// header's own lines only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
