# `make package`: Debian packages made by CPack from the build tree.
#   heard-server: /usr/bin/heard-server, its systemd unit and sysusers file,
#                 the example configuration as /etc/heard/heard-server.conf
#                 (a conffile), a man page made from --help, the operations guide,
#                 the browser client's files in /usr/share/heard/web.
#   heard:        /usr/bin/heard and its man page.
# tests/deploy/verify_package.sh builds them, runs lintian (no error allowed),
# extracts them and runs a session through the packaged binaries.
set(HEARD_PACKAGE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(HEARD_PACKAGE_BUILD ${CMAKE_BINARY_DIR}/package)

# Man pages from the binaries' own --help and --version (help2man), compressed
# without a timestamp so the package is reproducible.
find_program(HELP2MAN help2man REQUIRED)
function(heard_man_page target section summary)
  set(page ${HEARD_PACKAGE_BUILD}/${target}.${section}.gz)
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${HEARD_PACKAGE_BUILD}
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=${section} --name=${summary}
            --output=${HEARD_PACKAGE_BUILD}/${target}.${section} $<TARGET_FILE:${target}>
    COMMAND gzip -9nf ${HEARD_PACKAGE_BUILD}/${target}.${section}
    DEPENDS ${target}
    COMMENT "Man page for ${target}")
  add_custom_target(${target}-man ALL DEPENDS ${page})
  install(FILES ${page} DESTINATION share/man/man${section} COMPONENT ${ARGN})
endfunction()
heard_man_page(heard-server 8 "the Heard relay" server)
heard_man_page(heard 1 "two people taking turns really listening to each other" client)

# Debian's changelog.gz and copyright, in each package's doc folder.
add_custom_command(OUTPUT ${HEARD_PACKAGE_BUILD}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${HEARD_PACKAGE_BUILD}
  COMMAND gzip -9nc ${HEARD_PACKAGE_DIR}/changelog > ${HEARD_PACKAGE_BUILD}/changelog.gz
  DEPENDS ${HEARD_PACKAGE_DIR}/changelog)
add_custom_target(heard-changelog ALL DEPENDS ${HEARD_PACKAGE_BUILD}/changelog.gz)
install(FILES ${HEARD_PACKAGE_DIR}/copyright ${HEARD_PACKAGE_BUILD}/changelog.gz
        DESTINATION share/doc/heard-server COMPONENT server)
install(FILES ${HEARD_PACKAGE_DIR}/copyright ${HEARD_PACKAGE_BUILD}/changelog.gz
        DESTINATION share/doc/heard COMPONENT client)
install(FILES ${CMAKE_SOURCE_DIR}/docs/operations.md DESTINATION share/doc/heard-server COMPONENT server)

install(TARGETS heard-server RUNTIME DESTINATION bin COMPONENT server)
install(TARGETS heard RUNTIME DESTINATION bin COMPONENT client)
# Debian 12 keeps units in /lib/systemd/system and sysusers in /usr/lib/sysusers.d.
install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/heard-server.service DESTINATION /lib/systemd/system COMPONENT server)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/heard.sysusers DESTINATION lib/sysusers.d RENAME heard.conf
        COMPONENT server)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/heard-server.conf DESTINATION /etc/heard COMPONENT server)
# The browser client (web/), served with `web-root = /usr/share/heard/web`.
if(HEARD_WEB)
  install(DIRECTORY ${CMAKE_BINARY_DIR}/web-root/ DESTINATION share/heard/web COMPONENT server)
endif()

# Maintainer scripts under the names dpkg wants.
foreach(script postinst prerm postrm)
  configure_file(${HEARD_PACKAGE_DIR}/server-${script} ${HEARD_PACKAGE_BUILD}/server/${script} COPYONLY)
endforeach()
file(WRITE ${HEARD_PACKAGE_BUILD}/server/conffiles "/etc/heard/heard-server.conf\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME heard)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The Heard developers")
set(CPACK_PACKAGE_CONTACT "The Heard developers <dev@heard.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server client)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE https://heard.example/)
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME heard-server)
set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME heard)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "systemd")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${HEARD_PACKAGE_BUILD}/server/postinst;${HEARD_PACKAGE_BUILD}/server/prerm;${HEARD_PACKAGE_BUILD}/server/postrm;${HEARD_PACKAGE_BUILD}/server/conffiles")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_COMPONENT_SERVER_DESCRIPTION "relay for the speaker-listener exercise, two people apart
heard-server pairs two people (and, if they want, their counselor) into a
private session and enforces the turn-taking of the speak-then-paraphrase
exercise over WebSocket and TLS. Content is never logged; sessions survive a
graceful restart. Runs as a hardened systemd service; see
/usr/share/doc/heard-server/operations.md.")
set(CPACK_COMPONENT_CLIENT_DESCRIPTION "terminal client for the speaker-listener exercise
heard lets two people apart take turns really listening to each other: one
speaks, the other says it back in their own words, the speaker says whether
that was it. Full screen or plain line mode, screen-reader friendly; nothing
written is lost to a dropped connection.")
include(CPack)
