package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runMainEnv makes the test binary run main() instead of the tests, so the signal test
// exercises the real process set-up: signal.NotifyContext, os.Exit and the real streams.
const runMainEnv = "CALLGEN_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		// The arguments after "--" are callgen's.
		for i, arg := range os.Args {
			if arg == "--" {
				os.Args = append([]string{"callgen"}, os.Args[i+1:]...)
				break
			}
		}
		main()
		return
	}
	os.Exit(m.Run())
}

func TestCallgenStopsOnSignal(t *testing.T) {
	addr := startBusyTarget(t)

	for _, signal := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(signal.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$", "--",
				"-target", "sip:100@"+addr, "-duration", "1m", "-rate", "20", "-log-level", "info")
			cmd.Env = append(os.Environ(), runMainEnv+"=1", "LANG=C")
			var stdout bytes.Buffer
			cmd.Stdout = &stdout
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill() })

			// Wait until calls are being placed, then stop the process.
			lines := bufio.NewScanner(stderr)
			for lines.Scan() {
				if strings.Contains(lines.Text(), "SIP load starting") {
					break
				}
			}
			time.Sleep(300 * time.Millisecond)
			if err := cmd.Process.Signal(signal); err != nil {
				t.Fatal(err)
			}
			// Read the rest of the logs, so Wait finds the pipe drained.
			for lines.Scan() {
				_ = lines.Text()
			}

			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("callgen exited with %v after %v, want status 0", err, signal)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("callgen still runs 10 s after %v", signal)
			}
			if !strings.Contains(stdout.String(), "Calls: ") {
				t.Errorf("no summary after %v:\n%s", signal, stdout.String())
			}
		})
	}
}
