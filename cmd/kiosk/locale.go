package main

// Fyne reads the locale while it initialises; under a C.UTF-8 locale it
// would print three errors before every command's output. This import sets
// a locale Fyne can parse first (see the package's doc for why it runs first).
import _ "motcua/internal/uilocale"
