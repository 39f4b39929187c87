// Command switchboard is the Switchboard contact-center server and its administration
// tool: serve, migrate, import and export contacts, run the demo, print the version.
// Run `switchboard help` for usage.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], newProcessEnv()))
}
