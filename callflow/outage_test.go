package callflow_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
)

// privateCluster is a PostgreSQL server of this test alone, started by the project's own
// service script, so the test can stop and restart it without disturbing other tests.
type privateCluster struct {
	t      testing.TB
	script string
	env    []string
	dir    string
}

func startPrivateCluster(t *testing.T) (*privateCluster, string) {
	t.Helper()
	script, err := filepath.Abs("../scripts/services/postgres.sh")
	if err != nil {
		t.Fatal(err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	// The folder must be reachable by the postgres user when the tests run as root, so it
	// lives under /var/tmp rather than in the test's private temporary folder.
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	dir := "/var/tmp/switchboard-outage-test-" + hex.EncodeToString(suffix)

	c := &privateCluster{t: t, script: script, dir: dir,
		env: append(os.Environ(), "SWITCHBOARD_PG_PORT="+strconv.Itoa(port), "SWITCHBOARD_PG_DIR="+dir)}
	t.Cleanup(func() {
		_ = c.run("stop")
		_ = os.RemoveAll(dir)
	})

	url := c.mustRun("start")
	return c, url
}

func (c *privateCluster) run(action string) error {
	cmd := exec.Command("bash", c.script, action)
	cmd.Env = c.env
	_, err := cmd.Output()
	return err
}

func (c *privateCluster) mustRun(action string) string {
	c.t.Helper()
	cmd := exec.Command("bash", c.script, action)
	cmd.Env = c.env
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		c.t.Fatalf("postgres.sh %s: %v: %s", action, err, stderr)
	}
	return strings.TrimSpace(string(out))
}

func TestRecordsSurviveDatabaseRestart(t *testing.T) {
	cluster, url := startPrivateCluster(t)
	ctx := context.Background()
	pool, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatalf("open private database: %v", err)
	}
	t.Cleanup(pool.Close)
	if _, err := storage.Migrate(ctx, pool, storage.MigrateUp); err != nil {
		t.Fatalf("migrate private database: %v", err)
	}

	n := startNode(t, nodeOptions{pool: pool})
	n.addAgent("orlova", "Ольга Орлова", "PJSIP/1005")
	n.addContact("Мария", "Орлова", "+7 916 000-11-22")
	d := n.signIn("orlova")
	d.available()

	answeredCall := n.arrive("79160001122", "Maria Orlova", "support")
	d.expect(protocol.TypeCallOffered, callIs(answeredCall))
	d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: answeredCall})
	d.expect(protocol.TypeCallAnswered, callIs(answeredCall))

	cluster.mustRun("stop")

	if err := n.sim.Hangup(answeredCall, 16); err != nil {
		t.Fatal(err)
	}
	d.expect(protocol.TypeWrapupStarted, callIs(answeredCall))
	d.command(protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: answeredCall, Code: "resolved", Note: "Записано во время сбоя"})

	// A second caller arrives while the database is down: the lookup fails, so the call is
	// routed as an unknown caller, and the caller gives up in the queue.
	d.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StatePaused, Reason: "break"})
	abandonedCall := n.arrive("74957654321", "", "support")
	time.Sleep(300 * time.Millisecond)
	if err := n.sim.Hangup(abandonedCall, 16); err != nil {
		t.Fatal(err)
	}

	eventually(t, "records waiting in the spool", 5*time.Second, func() bool {
		pending, err := n.spool.Pending()
		return err == nil && pending >= 2
	})
	time.Sleep(500 * time.Millisecond) // a few failed insert attempts
	if pending, _ := n.spool.Pending(); pending < 2 {
		t.Fatalf("spool holds %d batches while the database is down, want at least 2", pending)
	}

	cluster.mustRun("start")

	rec := n.record(answeredCall, func(r crm.Interaction) bool { return r.Disposition != "" })
	if rec.Outcome != crm.OutcomeAnswered || rec.Note != "Записано во время сбоя" {
		t.Errorf("answered call after the outage = %s %q, want answered with the note", rec.Outcome, rec.Note)
	}
	abandoned := n.record(abandonedCall, nil)
	if abandoned.Outcome != crm.OutcomeAbandoned {
		t.Errorf("abandoned call after the outage = %s, want abandoned", abandoned.Outcome)
	}
	eventually(t, "an empty spool", 5*time.Second, func() bool {
		pending, err := n.spool.Pending()
		return err == nil && pending == 0
	})
	for _, id := range []string{answeredCall, abandonedCall} {
		if got := n.countRecords(id); got != 1 {
			t.Errorf("%d records for call %s, want exactly 1", got, id)
		}
	}
}
