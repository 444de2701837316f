// The memory workloads of benches/memory.rs, in Go (run with -mem; see main.go).
//
// As on the Rust side, every workload runs in a fresh child process (this program
// re-executed with GOKIO_MEMORY_CHILD=workload) and the median over min(GOKIO_BENCH_ROUNDS, 3)
// children (one for million_goroutines) is printed, one `workload\timpl\tvalue` line per
// figure. Two implementations:
//
//   - `go`: runtime.ReadMemStats, (StackInuse + HeapInuse) after minus before, per goroutine
//     or channel (after runtime.GC() at both points);
//   - `go RSS`: VmRSS from /proc/self/status after minus before, the method the Rust side
//     uses, so that the two can be compared like for like.
//
// million_goroutines reports wall time (ms) and VmHWM above the starting VmRSS (MB).
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const childEnv = "GOKIO_MEMORY_CHILD"

var memWorkloads = []string{
	"idle_goroutine_shared_chan",
	"idle_goroutine_own_chan",
	"buffered_chan_128",
	"million_goroutines",
}

// parked counts goroutines that reached their receive (just before parking).
var parked int64

// procStatus returns VmRSS and VmHWM in bytes.
func procStatus() (rss, hwm float64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb * 1024
		case "VmHWM:":
			hwm = kb * 1024
		}
	}
	return rss, hwm
}

// inUse is StackInuse + HeapInuse after a GC.
func inUse() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.StackInuse + m.HeapInuse)
}

func allParked(n int) {
	for atomic.LoadInt64(&parked) < int64(n) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
}

// memChild runs one workload and prints its figures.
func memChild(workload string) {
	idle := scaled(100_000, 1)
	chans := scaled(10_000, 1)
	million := scaled(1_000_000, 1)
	baseStats := inUse()
	baseRSS, _ := procStatus()
	report := func(n int) {
		stats := inUse()
		rss, _ := procStatus()
		fmt.Printf("%s\tgo\t%.1f\n", workload, (stats-baseStats)/float64(n))
		fmt.Printf("%s\tgo RSS\t%.1f\n", workload, (rss-baseRSS)/float64(n))
	}
	switch workload {
	case "idle_goroutine_shared_chan":
		ch := make(chan uint64)
		var wg sync.WaitGroup
		wg.Add(idle)
		for i := 0; i < idle; i++ {
			go func() {
				atomic.AddInt64(&parked, 1)
				if _, ok := <-ch; ok {
					panic("value on a closed channel")
				}
				wg.Done()
			}()
		}
		allParked(idle)
		report(idle)
		close(ch)
		wg.Wait()
	case "idle_goroutine_own_chan":
		senders := make([]chan uint64, 0, idle)
		var wg sync.WaitGroup
		wg.Add(idle)
		for i := 0; i < idle; i++ {
			ch := make(chan uint64)
			senders = append(senders, ch)
			go func() {
				atomic.AddInt64(&parked, 1)
				if _, ok := <-ch; ok {
					panic("value on a closed channel")
				}
				wg.Done()
			}()
		}
		allParked(idle)
		report(idle)
		for _, ch := range senders {
			close(ch)
		}
		wg.Wait()
	case "buffered_chan_128":
		all := make([]chan uint64, 0, chans)
		for i := 0; i < chans; i++ {
			ch := make(chan uint64, 128)
			for v := 0; v < 128; v++ {
				ch <- uint64(v)
			}
			all = append(all, ch)
		}
		report(chans)
		for _, ch := range all {
			if len(ch) != 128 {
				panic("buffered_chan_128")
			}
		}
	case "million_goroutines":
		start := time.Now()
		ch := make(chan uint64)
		var wg sync.WaitGroup
		wg.Add(million)
		for i := 0; i < million; i++ {
			go func() {
				atomic.AddInt64(&parked, 1)
				<-ch
				wg.Done()
			}()
		}
		for atomic.LoadInt64(&parked) < int64(million) {
			time.Sleep(time.Millisecond)
		}
		close(ch)
		wg.Wait()
		wall := time.Since(start)
		_, hwm := procStatus()
		fmt.Printf("million_goroutines_wall\tgo\t%.1f\n", float64(wall.Nanoseconds())/1e6)
		fmt.Printf("million_goroutines_peak_rss\tgo\t%.1f\n", (hwm-baseRSS)/1e6)
	default:
		panic("unknown " + childEnv + "=" + workload)
	}
}

// memMain runs every memory workload in child processes and prints the medians.
func memMain() {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	n := rounds
	if n > 3 {
		n = 3
	}
	for _, w := range memWorkloads {
		var order []string
		samples := map[string][]float64{}
		runs := n
		if w == "million_goroutines" {
			runs = 1 // takes seconds (GC scans a million stacks): one run
		}
		for r := 0; r < runs; r++ {
			cmd := exec.Command(exe, "-mem")
			cmd.Env = append(os.Environ(), childEnv+"="+w)
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				panic(fmt.Sprintf("child %s: %v", w, err))
			}
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				f := strings.Split(line, "\t")
				v, err := strconv.ParseFloat(f[2], 64)
				if err != nil {
					panic(line)
				}
				key := f[0] + "\t" + f[1]
				if _, seen := samples[key]; !seen {
					order = append(order, key)
				}
				samples[key] = append(samples[key], v)
			}
		}
		for _, key := range order {
			s := samples[key]
			sort.Float64s(s)
			fmt.Printf("%s\t%.1f\n", key, s[len(s)/2])
		}
	}
}
