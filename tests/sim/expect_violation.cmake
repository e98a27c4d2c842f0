# Runs a simulation (RAFT_SIM: raft_sim, or a test binary printing the same
# VIOLATION lines, as sim_groups_faults) with ARGS (space-separated) and passes only if it exits
# with 1 and reports a VIOLATION of CHECKER (the prefix of the violation text,
# e.g. "vote durability"): an injected bug must be caught by the checker meant
# for it, and a crash, a usage error or another checker must not count.
separate_arguments(ARGS)
execute_process(COMMAND ${RAFT_SIM} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
string(REGEX MATCH "VIOLATION seed=[0-9]+: [^\n]*" caught "${out}")
string(FIND "${caught}" ": ${CHECKER}: " at)
if(NOT rc EQUAL 1 OR NOT caught OR at EQUAL -1)
  message(FATAL_ERROR "expected a violation of '${CHECKER}', got exit ${rc}\n${out}\n${err}")
endif()
message(STATUS "caught: ${caught}")
