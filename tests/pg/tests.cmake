# The suite's PostgreSQL pass (issue 15): chosen tests run a second time with their
# databases on PostgreSQL, on a throwaway cluster that ctest starts before them and always
# stops after them (fixture "pg").  Each is `pg/<its name>`, label `pg`; tests/pg/run says
# how a test written for SQLite files runs there, and docs/testing.md which tests run on
# one backend only and why.  Included from tests/CMakeLists.txt, after PA_HTTP_ENV.
set(PA_PG_DIR ${CMAKE_CURRENT_SOURCE_DIR}/pg)
set(PA_PG_STATE ${CMAKE_BINARY_DIR}/pg-cluster)

# The wrapper goes beside the binary, where tests look for what the build makes there
# (good_input.sh copies $(dirname $PAIRAID)/demo-photos).
configure_file(${PA_PG_DIR}/pairaid-pg ${CMAKE_BINARY_DIR}/pairaid-pg COPYONLY)

add_test(NAME pg/cluster_start COMMAND bash ${PA_PG_DIR}/cluster start ${PA_PG_STATE})
add_test(NAME pg/cluster_stop COMMAND bash ${PA_PG_DIR}/cluster stop ${PA_PG_STATE})
set_tests_properties(pg/cluster_start PROPERTIES FIXTURES_SETUP pg LABELS pg TIMEOUT 120
  ENVIRONMENT "PAIRAID=$<TARGET_FILE:pairaid_cli>")
set_tests_properties(pg/cluster_stop PROPERTIES FIXTURES_CLEANUP pg LABELS pg TIMEOUT 120)

# pa_pg_test(NAME ENV COMMAND...): pg/NAME runs COMMAND through tests/pg/run.
function(pa_pg_test name env)
  add_test(NAME pg/${name} COMMAND bash ${PA_PG_DIR}/run ${ARGN})
  set_tests_properties(pg/${name} PROPERTIES FIXTURES_REQUIRED pg LABELS pg TIMEOUT 600
    ENVIRONMENT "${env};PA_PG_STATE=${PA_PG_STATE};PA_PG_WRAPPER=${CMAKE_BINARY_DIR}/pairaid-pg")
endfunction()

# What runs here, and what on SQLite only and why: docs/testing.md.  In short, the tests
# that write (every write goes through PostgreSQL's log, lock and the copy's catch-up),
# keep users and sessions (PostgreSQL's) or follow other processes' writes (a server's
# read cache), and not those that only parse input or read the projection, which is
# the same SQLite code on both backends.
set(PA_PG_CLI_ENV
  "PAIRAID=$<TARGET_FILE:pairaid_cli>;PA_TEST_DATA=${CMAKE_CURRENT_SOURCE_DIR}/data;PA_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
foreach(name ledger good_input roundtrip approvals audit assess users xlsx iati i18n cli_contract photos
             pairing_logs)
  pa_pg_test(cli/${name} "${PA_PG_CLI_ENV}" bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/${name}.sh)
endforeach()
foreach(name test_api test_authz test_approvals test_groupcommit test_audit test_assess test_forms test_read_cache test_xlsx_import
             test_pairing_logs)
  pa_pg_test(http/${name} "${PA_HTTP_ENV}" python3 ${CMAKE_CURRENT_SOURCE_DIR}/http/${name}.py)
endforeach()
pa_pg_test(http/browser "${PA_HTTP_ENV};NODE_PATH=${CMAKE_SOURCE_DIR}/node_modules"
  node ${CMAKE_CURRENT_SOURCE_DIR}/http/browser.test.mjs)
