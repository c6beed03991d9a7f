# `cmake --install` and `cpack -G DEB`: the binary, the rules as files (a starting point for --rules), the man
# pages, shell completion, and the demo message with the zone files that answer for it offline.
include(GNUInstallDirs)
install(TARGETS mailaudit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/rules/" DESTINATION ${CMAKE_INSTALL_DATADIR}/mailaudit/rules
        FILES_MATCHING PATTERN "*.toml")
install(FILES "${PROJECT_SOURCE_DIR}/fixtures/messages/newsletter.eml" DESTINATION ${CMAKE_INSTALL_DATADIR}/mailaudit/demo)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/fixtures/dns/" DESTINATION ${CMAKE_INSTALL_DATADIR}/mailaudit/demo/dns
        FILES_MATCHING PATTERN "*.zone")
foreach(page IN LISTS MAILAUDIT_MAN_PAGES)
  string(REGEX MATCH "[0-9]$" section "${page}")
  install(FILES "${page}" DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
install(FILES "${PROJECT_BINARY_DIR}/completions/mailaudit" DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES "${PROJECT_BINARY_DIR}/completions/_mailaudit" DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

set(CPACK_PACKAGE_NAME mailaudit)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "at which SMTP stage could a receiver reject this message, and why")
set(CPACK_PACKAGE_CONTACT "mailaudit developers <mailaudit@example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
# The Debian runtime libraries the binary links, found by dpkg-shlibdeps (GMime, ldns, libcurl, libidn2, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcurl is opened at run time (util/curl_api.cpp), so dpkg-shlibdeps does not see it.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.80)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
include(CPack)
