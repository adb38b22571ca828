package state

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLockSerializesAndReleaseRemovesFile(t *testing.T) {
	root := t.TempDir()
	var inside, overlap atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			l, err := LockID(root, "c")
			if err != nil {
				t.Error(err)
				return
			}
			if inside.Add(1) > 1 {
				overlap.Add(1)
			}
			time.Sleep(5 * time.Millisecond)
			inside.Add(-1)
			if i%2 == 0 {
				l.Release() // as delete: the next holder gets a new file
			} else {
				l.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if overlap.Load() != 0 {
		t.Fatalf("%d holders overlapped", overlap.Load())
	}
	l, err := LockID(root, "c")
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
	if _, err := os.Stat(filepath.Join(root, lockDir, "c")); !os.IsNotExist(err) {
		t.Fatalf("lock file after Release: %v", err)
	}
	if ids, _ := List(root); len(ids) != 0 {
		t.Fatalf("the lock dir is listed as a container: %v", ids)
	}
}

func TestLockWithoutRootCreatesNothing(t *testing.T) {
	root := filepath.Join(t.TempDir(), "missing")
	l, err := LockID(root, "c")
	if err != nil || l != nil {
		t.Fatalf("lock under a missing root: %v %v, want none", l, err)
	}
	l.Unlock()
	l.Release()
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Fatalf("the root was created: %v", err)
	}
}

func TestLockRefusesBadID(t *testing.T) {
	if _, err := LockID(t.TempDir(), "../x"); err == nil {
		t.Fatal("lock of ../x accepted")
	}
}
