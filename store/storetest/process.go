package storetest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/antares-governance/antares/store"
)

// Environment variables by which a test binary runs as an appending child
// process (see AppendChild).
const (
	childEnv      = "ANTARES_STORETEST_CHILD"       // the child's name, prefixed to its subjects
	childCountEnv = "ANTARES_STORETEST_CHILD_COUNT" // how many entries to append
)

// AppendChild is the body of a child process: when the test binary was
// started by Crash or Processes, it appends entries through open with
// several goroutines, printing the subject of each entry once Append has
// acknowledged it, and exits. Otherwise it returns at once. Call it from
// TestMain before m.Run.
func AppendChild(open func() (store.Store, error)) {
	name := os.Getenv(childEnv)
	if name == "" {
		return
	}
	count, _ := strconv.Atoi(os.Getenv(childCountEnv))
	s, err := open()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	var wg sync.WaitGroup
	const workers = 8
	for w := range workers {
		wg.Go(func() {
			for i := w; i < count; i += workers {
				e := Entry(i)
				e.Subject = fmt.Sprintf("%s-%d", name, i)
				if err := s.Append(context.Background(), e); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
				mu.Lock()
				fmt.Fprintln(out, e.Subject)
				out.Flush()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	s.Close()
	os.Exit(0)
}

// child starts the test binary as an appending child with env.
func child(t *testing.T, name string, count int, env []string) (*exec.Cmd, *bufio.Scanner) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), env...), childEnv+"="+name, childCountEnv+"="+strconv.Itoa(count))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(stdout)
}

// Crash starts a child process appending a burst of entries, kills it with
// SIGKILL once it has acknowledged some, and checks that every
// acknowledged entry is in the store and that the ledger verifies. env
// tells the child (whose TestMain calls AppendChild) where the database is.
func Crash(t *testing.T, open func() store.Store, env []string) {
	cmd, acks := child(t, "crash", 100000, env)
	var acked []string
	for acks.Scan() {
		acked = append(acked, acks.Text())
		if len(acked) == 500 {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed (%v): it acknowledged %d entries", err, len(acked))
	}
	s := opened(t, open)
	tree := verify(t, s)
	stored := map[string]bool{}
	for _, subj := range subjects(t, s) {
		stored[subj] = true
	}
	for _, subj := range acked {
		if !stored[subj] {
			t.Errorf("entry %s was acknowledged but is not stored", subj)
		}
	}
	if tree.N < int64(len(acked)) {
		t.Fatalf("%d entries stored, %d acknowledged", tree.N, len(acked))
	}
	// The ledger goes on after the crash.
	if err := s.Append(context.Background(), Entry(0)); err != nil {
		t.Fatal(err)
	}
	verify(t, s)
	t.Logf("killed after %d acknowledged appends; %d stored (the rest were in flight)", len(acked), tree.N)
}

// Processes runs two child processes appending to one database at once
// and checks that they produced one valid chain holding every entry.
func Processes(t *testing.T, open func() store.Store, env []string) {
	const each = 300
	start := time.Now()
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for k := range 2 {
		cmd, acks := child(t, fmt.Sprintf("p%d", k), each, env)
		wg.Go(func() {
			for acks.Scan() {
				counts[k]++
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("child %d: %v", k, err)
			}
		})
	}
	wg.Wait()
	if counts[0] != each || counts[1] != each {
		t.Fatalf("children acknowledged %v entries, want %d each", counts, each)
	}
	s := opened(t, open)
	if tree := verify(t, s); tree.N != 2*each {
		t.Fatalf("ledger holds %d entries, want %d", tree.N, 2*each)
	}
	interleaved, from := 0, map[string]int{}
	subj := subjects(t, s)
	for i, sj := range subj {
		writer, _, _ := strings.Cut(sj, "-")
		from[writer]++
		if i > 0 && !strings.HasPrefix(subj[i-1], writer+"-") {
			interleaved++
		}
	}
	if from["p0"] != each || from["p1"] != each {
		t.Fatalf("the ledger holds %v entries by writer, want %d each", from, each)
	}
	t.Logf("two processes appended %d entries in %v; the chain switches writer %d times", 2*each, time.Since(start), interleaved)
}
