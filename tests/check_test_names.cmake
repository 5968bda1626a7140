# Fails if a Catch2 test name would break catch_discover_tests: CMake splits lists at ';' and
# treats '[' and ']' as brackets, so such a name merges the tests after it into one CTest entry
# that runs nothing. Run as: cmake -DTESTS=<test binary> -P check_test_names.cmake
# (Catch2 v2 exits with the number of tests listed, so the status says nothing.)
execute_process(COMMAND ${TESTS} --list-test-names-only OUTPUT_VARIABLE names)
if(NOT names MATCHES "[a-z]")
  message(FATAL_ERROR "${TESTS} --list-test-names-only listed nothing")
endif()
string(REGEX MATCHALL "[^\n]*[][;\\][^\n]*" bad "${names}")
if(bad)
  message(FATAL_ERROR "test names CTest cannot register (no ';', '[' or ']' allowed):\n${bad}")
endif()
