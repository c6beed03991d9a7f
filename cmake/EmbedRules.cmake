# embed_rules(OUT_VAR DIR): generate a .cpp that holds every DIR/*.toml as a string, so the binary carries
# its rules and `--rules DIR` can replace them. Regenerated whenever a rules file changes (and a new file is
# picked up at the next build: the glob is CONFIGURE_DEPENDS). Optional third argument: the name of the
# generated function and file (default embedded_files / embedded_rules.cpp), for a second folder of rules.
function(embed_rules out_var dir)
  set(func embedded_files)
  set(stem embedded_rules)
  if(ARGC GREATER 2)
    set(func ${ARGV2})
    set(stem ${ARGV2})
  endif()
  file(GLOB rule_files CONFIGURE_DEPENDS "${dir}/*.toml")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${stem}.cpp")
  # The file list goes through a file: a CMake list does not survive a shell command line.
  set(list_file "${CMAKE_CURRENT_BINARY_DIR}/${stem}.list")
  file(WRITE "${list_file}" "${rule_files}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} "-DOUT=${out}" "-DLIST=${list_file}" "-DFUNC=${func}" -P "${PROJECT_SOURCE_DIR}/cmake/embed_rules_script.cmake"
    DEPENDS ${rule_files} "${list_file}" "${PROJECT_SOURCE_DIR}/cmake/embed_rules_script.cmake"
    COMMENT "Embedding ${dir}/*.toml")
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()
