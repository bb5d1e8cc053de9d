// Package packaging holds the tests of the Debian package that `make deb`
// builds (scripts/deb.sh from the files in packaging/debian and
// packaging/files): the desktop and autostart entries agree with
// cmd/kiosk/FyneApp.toml, the shipped config is a production one with no
// working secrets, and, as root, the package installs, runs from "/",
// keeps its data through removal and reinstall, and purges cleanly.
//
// The package holds no code; its tests are the product.
package packaging
