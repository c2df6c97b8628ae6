#include "core/version.h"
#include <cstdio>
int main() { std::printf("pitchreel %s\n", pitchreel::kVersion); return 0; }
