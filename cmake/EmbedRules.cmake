# embed_rules(OUT_VAR DIR): generate a .cpp that holds every DIR/*.toml as a string, so the binary carries
# its rules and `--rules DIR` can replace them. Regenerated whenever a rules file changes.
function(embed_rules out_var dir)
  file(GLOB rule_files CONFIGURE_DEPENDS "${dir}/*.toml")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_rules.cpp")
  # The file list goes through a file: a CMake list does not survive a shell command line.
  set(list_file "${CMAKE_CURRENT_BINARY_DIR}/embedded_rules.list")
  file(WRITE "${list_file}" "${rule_files}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} "-DOUT=${out}" "-DLIST=${list_file}" -P "${PROJECT_SOURCE_DIR}/cmake/embed_rules_script.cmake"
    DEPENDS ${rule_files} "${list_file}" "${PROJECT_SOURCE_DIR}/cmake/embed_rules_script.cmake"
    COMMENT "Embedding rules/*.toml")
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()
