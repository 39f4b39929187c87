package main

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// runMainEnv makes the test binary run main() instead of the tests, so signal tests
// exercise the real process set-up: signal.NotifyContext, os.Exit and the real streams.
const runMainEnv = "SWITCHBOARD_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		// The arguments after "--" are switchboard's.
		for i, arg := range os.Args {
			if arg == "--" {
				os.Args = append([]string{"switchboard"}, os.Args[i+1:]...)
				break
			}
		}
		main()
		return
	}
	os.Exit(m.Run())
}

func TestServeStopsOnSignal(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)

	for _, signal := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(signal.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "serve")
			cmd.Env = append(os.Environ(),
				runMainEnv+"=1",
				"SWITCHBOARD_DATABASE_URL="+pool.Config().ConnString(),
				"SWITCHBOARD_HTTP_LISTEN=127.0.0.1:0",
				"SWITCHBOARD_LOG_FORMAT=json",
				"SWITCHBOARD_CALL_LOG_SPOOL_DIR="+t.TempDir(),
			)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill() })

			lines := bufio.NewScanner(stderr)
			listening := regexp.MustCompile(`"msg":"HTTP server listening","address":"([^"]+)"`)
			var addr string
			var logs strings.Builder
			for addr == "" && lines.Scan() {
				logs.WriteString(lines.Text() + "\n")
				if match := listening.FindStringSubmatch(lines.Text()); match != nil {
					addr = match[1]
				}
			}
			if addr == "" {
				t.Fatalf("serve never listened; stderr:\n%s", logs.String())
			}
			if code, _ := get(t, "http://"+addr+"/healthz"); code != http.StatusOK {
				t.Fatalf("/healthz = %d", code)
			}

			if err := cmd.Process.Signal(signal); err != nil {
				t.Fatal(err)
			}
			// The rest of the log is read before Wait, as os/exec requires for pipes.
			rest := make(chan []byte, 1)
			done := make(chan error, 1)
			go func() {
				tail, _ := io.ReadAll(stderr)
				rest <- tail
				done <- cmd.Wait()
			}()
			select {
			case err := <-done:
				logs.Write(<-rest)
				var exitErr *exec.ExitError
				if errors.As(err, &exitErr) {
					t.Fatalf("serve exited with %d after %v; stderr:\n%s", exitErr.ExitCode(), signal, logs.String())
				}
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("serve did not stop within 20 s of %v", signal)
			}
			for _, want := range []string{`"msg":"shutdown: signal received"`, `"msg":"shutdown: closing the database pool"`} {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("logs lack %s:\n%s", want, logs.String())
				}
			}
		})
	}
}
