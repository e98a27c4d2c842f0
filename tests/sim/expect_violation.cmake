# Runs raft_sim (RAFT_SIM) with ARGS (space-separated) and passes only if it exits
# with 1 and reports a VIOLATION: an injected bug must be caught, and a
# crash or a usage error must not count as catching it.
separate_arguments(ARGS)
execute_process(COMMAND ${RAFT_SIM} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
string(REGEX MATCH "VIOLATION[^\n]*" caught "${out}")
if(NOT rc EQUAL 1 OR NOT caught)
  message(FATAL_ERROR "expected a violation, got exit ${rc}\n${out}\n${err}")
endif()
message(STATUS "caught: ${caught}")
