// The same checks as C++: the header's extern "C" block and its types.
#include "header_use.c"
