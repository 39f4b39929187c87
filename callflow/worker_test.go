package callflow

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestWorkerStopRunsOnlyKeptJobs(t *testing.T) {
	f := &Flow{opts: Options{RequestTimeout: time.Second}}
	w := f.startWorker()

	release := make(chan struct{})
	started := make(chan struct{})
	w.submit(func(context.Context) { close(started); <-release })
	<-started

	var kept, dropped atomic.Int32
	w.submit(func(context.Context) { dropped.Add(1) })
	w.submitKept(func(context.Context) { kept.Add(1) })
	w.submit(func(context.Context) { dropped.Add(1) })

	w.stop()
	close(release)
	f.workers.Wait()

	if kept.Load() != 1 {
		t.Errorf("kept job ran %d times on stop, want 1", kept.Load())
	}
	if dropped.Load() != 0 {
		t.Errorf("%d ordinary jobs ran after stop, want 0", dropped.Load())
	}
}

func TestWorkerFinishRunsQueuedJobs(t *testing.T) {
	f := &Flow{opts: Options{RequestTimeout: time.Second}}
	w := f.startWorker()

	var ran atomic.Int32
	for range 3 {
		w.submit(func(context.Context) { ran.Add(1) })
	}
	w.finish()
	// A job for a finished call runs on its own goroutine.
	w.submit(func(context.Context) { ran.Add(1) })
	f.workers.Wait()

	if ran.Load() != 4 {
		t.Errorf("%d jobs ran, want 4", ran.Load())
	}
}
