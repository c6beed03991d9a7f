# cmake -DCOMMAND=scdoc -DINPUT=page.scd -DOUTPUT=page -P scdoc.cmake: scdoc reads stdin and writes stdout.
execute_process(COMMAND ${COMMAND} INPUT_FILE "${INPUT}" OUTPUT_FILE "${OUTPUT}" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  file(REMOVE "${OUTPUT}")
  message(FATAL_ERROR "${INPUT}: ${err}")
endif()
