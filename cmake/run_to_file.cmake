# cmake -DPROGRAM=prog "-DARGS=arg arg" -DOUTPUT=file -P run_to_file.cmake: runs PROGRAM with ARGS, its stdout into
# OUTPUT (build steps that capture a program's output without a shell). Leak checks off: a sanitizer build's
# leak report is not what this step is about.
set(ENV{ASAN_OPTIONS} "detect_leaks=0")
separate_arguments(args UNIX_COMMAND "${ARGS}")
execute_process(COMMAND "${PROGRAM}" ${args} OUTPUT_FILE "${OUTPUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE "${OUTPUT}")
  message(FATAL_ERROR "${PROGRAM} ${ARGS} exited ${rc}")
endif()
