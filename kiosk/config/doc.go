// Package config holds the kiosk's settings: built-in defaults, an optional
// JSON config file, and command-line flags, in increasing precedence.
package config
