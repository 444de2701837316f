// The workloads of benches/chan.rs, benches/pipeline.rs, benches/sync.rs, benches/spawn.rs
// and benches/time.rs in Go, for reference figures; with -mem, the memory workloads of
// benches/memory.rs (see mem.go).
//
// Run: go run benches/go/main.go benches/go/mem.go [-mem]
// (benches/report.sh does both when `go` is installed)
//
// Same workloads, same sizes, GOMAXPROCS=2 (the Rust harness uses 2 tokio workers), the
// same env knobs (GOKIO_BENCH_ROUNDS, default 7; GOKIO_BENCH_SCALE, default 1.0), one
// unrecorded warm-up run, the median of the rounds. Prints one `workload\tgo\tns_per_op`
// line per workload, the format benches/report.py reads. See the Rust bench files for the
// workload definitions; Go-specific choices are noted at each function.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const capacity = 128
const chunk = 1024

var rounds = 7
var scale = 1.0

func scaled(n, multipleOf int) int {
	s := int(float64(n)*scale) / multipleOf
	if s < 1 {
		s = 1
	}
	return s * multipleOf
}

func sumTo(n int) uint64 {
	if n == 0 {
		return 0
	}
	return uint64(n) * uint64(n-1) / 2
}

func check(got, want uint64) {
	if got != want {
		panic(fmt.Sprintf("checksum: got %d, want %d", got, want))
	}
}

// measure runs f (which returns the measured duration) once to warm up, then `rounds`
// times, and prints the median ns per op.
func measure(name string, ops int, f func() time.Duration) {
	f()
	samples := make([]float64, 0, rounds)
	for r := 0; r < rounds; r++ {
		samples = append(samples, float64(f().Nanoseconds())/float64(ops))
	}
	sort.Float64s(samples)
	fmt.Printf("%s\tgo\t%.1f\n", name, samples[len(samples)/2])
}

// wall times the whole of f.
func wall(f func()) time.Duration {
	t0 := time.Now()
	f()
	return time.Since(t0)
}

func spsc(cap, n int) time.Duration {
	return wall(func() {
		ch := make(chan uint64, cap)
		done := make(chan uint64)
		go func() {
			for i := 0; i < n; i++ {
				ch <- uint64(i)
			}
			close(ch)
		}()
		go func() {
			var sum uint64
			for v := range ch {
				sum += v
			}
			done <- sum
		}()
		check(<-done, sumTo(n))
	})
}

func pingpong(n int) time.Duration {
	return wall(func() {
		ping, pong := make(chan uint64), make(chan uint64)
		done := make(chan struct{})
		go func() {
			for v := range ping {
				pong <- v
			}
		}()
		go func() {
			for i := 0; i < n; i++ {
				ping <- uint64(i)
				if <-pong != uint64(i) {
					panic("pingpong")
				}
			}
			close(ping)
			close(done)
		}()
		<-done
	})
}

func mpmc(n int) time.Duration {
	return wall(func() {
		ch := make(chan uint64, capacity)
		sums := make(chan uint64)
		producersDone := make(chan struct{})
		for p := 0; p < 4; p++ {
			go func(p int) {
				for v := p * n / 4; v < (p+1)*n/4; v++ {
					ch <- uint64(v)
				}
				producersDone <- struct{}{}
			}(p)
		}
		for c := 0; c < 4; c++ {
			go func() {
				var sum uint64
				for v := range ch {
					sum += v
				}
				sums <- sum
			}()
		}
		for p := 0; p < 4; p++ {
			<-producersDone
		}
		close(ch)
		var total uint64
		for c := 0; c < 4; c++ {
			total += <-sums
		}
		check(total, sumTo(n))
	})
}

func select2(n int) time.Duration {
	return wall(func() {
		half := n / 2
		a, b := make(chan uint64, capacity), make(chan uint64, capacity)
		producer := func(ch chan uint64, from, to int) {
			for v := from; v < to; v++ {
				ch <- uint64(v)
			}
			close(ch)
		}
		go producer(a, 0, half)
		go producer(b, half, n)
		done := make(chan uint64)
		go func() {
			var sum uint64
			for a != nil || b != nil {
				select {
				case v, ok := <-a:
					if !ok {
						a = nil
					} else {
						sum += v
					}
				case v, ok := <-b:
					if !ok {
						b = nil
					} else {
						sum += v
					}
				}
			}
			done <- sum
		}()
		check(<-done, sumTo(n))
	})
}

// select8: 8 producers each send n/8 values on their own channel; one consumer selects over
// all 8, setting a channel to nil once it is closed.
func select8(n int) time.Duration {
	return wall(func() {
		per := n / 8
		var c [8]chan uint64
		for p := range c {
			c[p] = make(chan uint64, capacity)
			go func(ch chan uint64, from, to int) {
				for v := from; v < to; v++ {
					ch <- uint64(v)
				}
				close(ch)
			}(c[p], p*per, (p+1)*per)
		}
		done := make(chan uint64)
		go func() {
			var sum uint64
			open := 8
			recv := func(i int, v uint64, ok bool) {
				if !ok {
					c[i] = nil
					open--
				} else {
					sum += v
				}
			}
			for open > 0 {
				select {
				case v, ok := <-c[0]:
					recv(0, v, ok)
				case v, ok := <-c[1]:
					recv(1, v, ok)
				case v, ok := <-c[2]:
					recv(2, v, ok)
				case v, ok := <-c[3]:
					recv(3, v, ok)
				case v, ok := <-c[4]:
					recv(4, v, ok)
				case v, ok := <-c[5]:
					recv(5, v, ok)
				case v, ok := <-c[6]:
					recv(6, v, ok)
				case v, ok := <-c[7]:
					recv(7, v, ok)
				}
			}
			done <- sum
		}()
		check(<-done, sumTo(per*8))
	})
}

// drain fills a chunk-sized buffered channel (not timed) and drains it with take (timed),
// until n values have passed; it runs in its own goroutine like the Rust single task.
func drain(n int, useSelect bool) time.Duration {
	result := make(chan time.Duration)
	go func() {
		a, other := make(chan uint64, chunk), make(chan uint64, chunk)
		var timed time.Duration
		var sum uint64
		for next := 0; next < n; {
			end := next + chunk
			if end > n {
				end = n
			}
			for v := next; v < end; v++ {
				a <- uint64(v)
			}
			t0 := time.Now()
			if useSelect {
				for i := next; i < end; i++ {
					select {
					case v := <-a:
						sum += v
					case <-other:
						panic("other is empty")
					}
				}
			} else {
				for i := next; i < end; i++ {
					sum += <-a
				}
			}
			timed += time.Since(t0)
			next = end
		}
		check(sum, sumTo(n))
		result <- timed
	}()
	return <-result
}

// pipeline is benches/pipeline.rs: a generator, 4 workers computing x*x%7919 into one
// shared channel (closed after the last worker, Go's WaitGroup idiom), one consumer.
func pipeline(n int) time.Duration {
	var want uint64
	for i := 0; i < n; i++ {
		want += uint64(i) * uint64(i) % 7919
	}
	return wall(func() {
		src := make(chan uint64, capacity)
		out := make(chan uint64, capacity)
		go func() {
			for i := 0; i < n; i++ {
				src <- uint64(i)
			}
			close(src)
		}()
		var wg sync.WaitGroup
		wg.Add(4)
		for w := 0; w < 4; w++ {
			go func() {
				defer wg.Done()
				for x := range src {
					out <- x * x % 7919
				}
			}()
		}
		go func() { wg.Wait(); close(out) }()
		done := make(chan uint64)
		go func() {
			var sum uint64
			for v := range out {
				sum += v
			}
			done <- sum
		}()
		check(<-done, want)
	})
}

// mutexUncontended: one goroutine, n x (Lock, increment, Unlock) on a sync.Mutex.
var wgAddDone sync.WaitGroup

// waitGroupAddDone is benches/sync.rs' waitgroup_add_done: Add(1), Done(), and Wait() on the
// zero counter every 1000, on a package-level WaitGroup.
func waitGroupAddDone(n int) time.Duration {
	return wall(func() {
		done := make(chan struct{})
		go func() {
			for i := 0; i < n; i++ {
				wgAddDone.Add(1)
				wgAddDone.Done()
				if i%1000 == 999 {
					wgAddDone.Wait()
				}
			}
			close(done)
		}()
		<-done
	})
}

func mutexUncontended(n int) time.Duration {
	return wall(func() {
		done := make(chan uint64)
		go func() {
			var mu sync.Mutex
			var counter uint64
			for i := 0; i < n; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
			done <- counter
		}()
		check(<-done, uint64(n))
	})
}

// mutexContended: tasks goroutines x n/tasks x (Lock, increment, Unlock) on one sync.Mutex.
func mutexContended(n, tasks int) time.Duration {
	return wall(func() {
		var mu sync.Mutex
		var counter uint64
		var wg sync.WaitGroup
		for t := 0; t < tasks; t++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < n/tasks; i++ {
					mu.Lock()
					counter++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		check(counter, uint64(n))
	})
}

// mutexFairness: Go's TestMutexFairness as a measurement. Goroutine A loops (Lock, 100 us of
// work, Unlock); B does 10 x (100 us of work, Lock, Unlock); B's time is returned. The work is
// a busy wait on the clock, as in benches/sync.rs (where tokio's timer would round a sleep up
// to 1 ms), so A keeps its thread while it holds the lock.
func mutexFairness() time.Duration {
	work := func() {
		t := time.Now()
		for time.Since(t) < 100*time.Microsecond {
		}
	}
	var mu sync.Mutex
	stop := make(chan struct{})
	aDone := make(chan struct{})
	go func() {
		defer close(aDone)
		for {
			mu.Lock()
			work()
			mu.Unlock()
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	bTime := make(chan time.Duration)
	go func() {
		t0 := time.Now()
		for i := 0; i < 10; i++ {
			work()
			mu.Lock()
			mu.Unlock()
		}
		bTime <- time.Since(t0)
	}()
	d := <-bTime
	close(stop)
	<-aDone
	return d
}

// spawnJoin: Go has no join handle. The closest equivalent of "spawn n tasks returning their
// index, join each and sum the results" is a goroutine that stores its result in its own
// slot and signals one sync.WaitGroup; the spawner waits, then sums the slots. (A done channel
// per goroutine would add a channel allocation per goroutine that tokio's JoinHandle does
// not have.) The spawning loop runs in a goroutine, as in the Rust workloads.
func spawnJoin(n int) time.Duration {
	return wall(func() {
		done := make(chan uint64)
		go func() {
			results := make([]uint64, n)
			var wg sync.WaitGroup
			wg.Add(n)
			for i := 0; i < n; i++ {
				go func(i int) {
					results[i] = uint64(i)
					wg.Done()
				}(i)
			}
			wg.Wait()
			var sum uint64
			for _, v := range results {
				sum += v
			}
			done <- sum
		}()
		check(<-done, sumTo(n))
	})
}

// waitGroup: n goroutines that do nothing but signal one sync.WaitGroup; wait for all.
func waitGroup(n int) time.Duration {
	return wall(func() {
		done := make(chan struct{})
		go func() {
			var wg sync.WaitGroup
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					wg.Done()
				}()
			}
			wg.Wait()
			close(done)
		}()
		<-done
	})
}

// zeroTimer: Go's TestZeroTimer (src/time/sleep_test.go): n times NewTimer(0), then receive
// its value, in one goroutine.
func zeroTimer(n int) time.Duration {
	return wall(func() {
		done := make(chan struct{})
		go func() {
			for i := 0; i < n; i++ {
				t := time.NewTimer(0)
				<-t.C
			}
			close(done)
		}()
		<-done
	})
}

// selectWakeScaling: `waiters` goroutines each loop on `select { case v := <-own: case
// <-done: }` with one done channel shared by all; one goroutine sends n values on the
// unbuffered own channels in a fixed pseudo-random order (math/rand: not the Rust bench's
// sequence, the same distribution). Only the sends are timed (every goroutine has parked
// once before).
func selectWakeScaling(waiters, n int) time.Duration {
	done := make(chan struct{})
	own := make([]chan uint64, waiters)
	got := make([]uint64, waiters)
	var parked int64
	var wg sync.WaitGroup
	for i := range own {
		own[i] = make(chan uint64)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			first := true
			for {
				select {
				case v := <-own[i]:
					got[i] += v
				case <-done:
					return
				}
				if first {
					first = false // received its 0: blocks in the select again next
					atomic.AddInt64(&parked, 1)
				}
			}
		}(i)
	}
	result := make(chan time.Duration)
	go func() {
		for _, ch := range own {
			ch <- 0
		}
		// As in benches/chan.rs: every goroutine runs again once before the timed sends.
		for atomic.LoadInt64(&parked) < int64(waiters) {
			runtime.Gosched()
		}
		rng := rand.New(rand.NewSource(int64(waiters)))
		t0 := time.Now()
		for i := 0; i < n; i++ {
			own[rng.Intn(waiters)] <- 1
		}
		result <- time.Since(t0)
	}()
	timed := <-result
	close(done)
	wg.Wait()
	var total uint64
	for _, v := range got {
		total += v
	}
	check(total, uint64(n))
	return timed
}

func main() {
	runtime.GOMAXPROCS(2)
	if s := os.Getenv("GOKIO_BENCH_ROUNDS"); s != "" {
		r, err := strconv.Atoi(s)
		if err != nil || r < 1 {
			panic("GOKIO_BENCH_ROUNDS must be a positive integer")
		}
		rounds = r
	}
	if s := os.Getenv("GOKIO_BENCH_SCALE"); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f <= 0 {
			panic("GOKIO_BENCH_SCALE must be a positive number")
		}
		scale = f
	}
	if len(os.Args) > 1 && os.Args[1] == "-mem" {
		if w := os.Getenv(childEnv); w != "" {
			memChild(w)
		} else {
			memMain()
		}
		return
	}

	n := scaled(1_000_000, 1)
	measure("spsc_buffered", n, func() time.Duration { return spsc(capacity, n) })
	measure("spsc_unbuffered", n, func() time.Duration { return spsc(0, n) })
	np := scaled(100_000, 1)
	measure("pingpong", np, func() time.Duration { return pingpong(np) })
	nm := scaled(1_000_000, 4)
	measure("mpmc_4x4", nm, func() time.Duration { return mpmc(nm) })
	ns := scaled(500_000, 2)
	measure("select_2", ns, func() time.Duration { return select2(ns) })
	ns8 := scaled(500_000, 8)
	measure("select_8", ns8, func() time.Duration { return select8(ns8) })
	measure("select_first_ready", n, func() time.Duration { return drain(n, true) })
	measure("recv_prefilled", n, func() time.Duration { return drain(n, false) })
	nw := scaled(200_000, 1)
	for _, w := range []int{16, 4096, 65_536} {
		w := w
		measure(fmt.Sprintf("select_wake_scaling_%d", w), nw,
			func() time.Duration { return selectWakeScaling(w, nw) })
	}
	npl := scaled(500_000, 1)
	measure("pipeline", npl, func() time.Duration { return pipeline(npl) })

	nu := scaled(1_000_000, 1)
	measure("mutex_uncontended", nu, func() time.Duration { return mutexUncontended(nu) })
	for _, tasks := range []int{8, 128, 1024} {
		tasks := tasks
		nc := scaled(1_600_000, tasks)
		measure(fmt.Sprintf("mutex_contended_%d", tasks), nc, func() time.Duration { return mutexContended(nc, tasks) })
	}
	measure("mutex_fairness", 10, mutexFairness)
	measure("waitgroup_add_done", nu, func() time.Duration { return waitGroupAddDone(nu) })
	ng := scaled(100_000, 1)
	measure("spawn_join_100k", ng, func() time.Duration { return spawnJoin(ng) })
	measure("waitgroup_100k", ng, func() time.Duration { return waitGroup(ng) })
	nt := scaled(1_000_000, 1)
	measure("zero_timer", nt, func() time.Duration { return zeroTimer(nt) })
}
