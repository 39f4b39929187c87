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
				"SWITCHBOARD_SHUTDOWN_DRAIN=0s",
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

// TestServeDrainsOnSignal checks the drain after SIGTERM: /readyz returns 503 on new
// connections while other requests still work, and the process exits only after the drain.
func TestServeDrainsOnSignal(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	const drain = 2 * time.Second

	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "serve")
	cmd.Env = append(os.Environ(),
		runMainEnv+"=1",
		"SWITCHBOARD_DATABASE_URL="+pool.Config().ConnString(),
		"SWITCHBOARD_HTTP_LISTEN=127.0.0.1:0",
		"SWITCHBOARD_LOG_FORMAT=json",
		"SWITCHBOARD_CALL_LOG_SPOOL_DIR="+t.TempDir(),
		"SWITCHBOARD_SHUTDOWN_DRAIN="+drain.String(),
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
	// Every request opens a new connection, as a load balancer's probe does.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	status := func(path string) (int, string) {
		resp, err := client.Get("http://" + addr + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := status("/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz before the signal = %d %s, want 200", code, body)
	}

	rest := make(chan []byte, 1)
	done := make(chan error, 1)
	go func() {
		tail, _ := io.ReadAll(stderr)
		rest <- tail
		done <- cmd.Wait()
	}()
	signalled := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	// The signal arrives asynchronously, so /readyz turns 503 shortly after it.
	code, body := status("/readyz")
	for code == http.StatusOK && time.Since(signalled) < drain/2 {
		time.Sleep(20 * time.Millisecond)
		code, body = status("/readyz")
	}
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"status":"stopping"`) {
		t.Fatalf("/readyz during the drain = %d %s, want 503 stopping", code, body)
	}
	for _, path := range []string{"/healthz", "/metrics"} {
		if code, body := status(path); code != http.StatusOK {
			t.Errorf("%s during the drain = %d %s, want 200", path, code, body)
		}
	}
	if time.Since(signalled) >= drain {
		t.Fatalf("the checks during the drain took longer than the drain of %v; the machine is too slow for this test", drain)
	}

	select {
	case err := <-done:
		logs.Write(<-rest)
		if err != nil {
			t.Fatalf("serve exited with %v; stderr:\n%s", err, logs.String())
		}
	case <-time.After(drain + 20*time.Second):
		t.Fatalf("serve did not stop within %v of SIGTERM", drain+20*time.Second)
	}
	if elapsed := time.Since(signalled); elapsed < drain {
		t.Errorf("serve exited %v after SIGTERM, before the drain of %v ended", elapsed, drain)
	}
	if !strings.Contains(logs.String(), `"msg":"shutdown: draining, /readyz returns 503","drain":"2s"`) {
		t.Errorf("logs lack the drain line:\n%s", logs.String())
	}
	if code, _ := status("/healthz"); code != 0 {
		t.Errorf("/healthz after exit = %d, want a refused connection", code)
	}
}
