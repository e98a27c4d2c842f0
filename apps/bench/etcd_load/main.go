// etcd_load: the etcd side of scripts/bench-groups, on etcd's own Go client
// (clientv3, gRPC). The same shape as mosaik_bench_group: N writers, each
// with one put of a 256 B value to a random key of 100k ("key" and a
// number, at most 8 bytes) outstanding; W seconds of warm-up, then S
// seconds measured. A put is timed from the request to its answer; puts
// issued in the window and answered before its end count. Last line:
//
//	etcd writers=N writes_per_s=X p50_us=Y p99_us=Z
//
// It builds offline in GOPATH mode against Debian's golang-etcd-server-dev
// (scripts/bench-groups does it):
//
//	GO111MODULE=off GOPATH=DIR:/usr/share/gocode go build etcd_load
//
//	etcd_load --endpoints http://127.0.0.1:2379 [--writers N] [--seconds S] [--warmup W] [--conns C]
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/clientv3"
)

const (
	keyCount   = 100000
	valueBytes = 256
)

type window struct{ start, end time.Time }

type writerStats struct {
	us          []float64
	failed      int
	lastFailure string
}

// write puts random keys until the window has ended; one put outstanding.
func write(cli *clientv3.Client, w window, seed int64, out *writerStats) {
	rng := rand.New(rand.NewSource(seed))
	value := strings.Repeat("v", valueBytes)
	for {
		key := fmt.Sprintf("key%d", rng.Intn(keyCount))
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		t0 := time.Now()
		_, err := cli.Put(ctx, key, value)
		t1 := time.Now()
		cancel()
		if err != nil {
			out.failed++
			out.lastFailure = err.Error()
		} else if !t0.Before(w.start) && t1.Before(w.end) {
			out.us = append(out.us, float64(t1.Sub(t0).Nanoseconds())/1e3)
		}
		if !t1.Before(w.end) {
			return
		}
	}
}

// percentile: nearest rank from below, as mosaik_bench_group computes it.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p * float64(len(sorted)))
	if i > len(sorted)-1 {
		i = len(sorted) - 1
	}
	return sorted[i]
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "etcd_load: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	endpoints := flag.String("endpoints", "", "comma-separated client URLs (the leader's first)")
	writers := flag.Int("writers", 1, "concurrent writers, each with one put outstanding")
	seconds := flag.Int("seconds", 5, "seconds measured")
	warmup := flag.Int("warmup", 1, "seconds of warm-up")
	conns := flag.Int("conns", 1, "clients (gRPC connections) the writers share, round robin")
	flag.Parse()
	if *endpoints == "" || *writers < 1 || *seconds < 1 || *warmup < 0 || *conns < 1 {
		fail("usage: etcd_load --endpoints URL[,URL...] [--writers N] [--seconds S] [--warmup W] [--conns C]")
	}
	clients := make([]*clientv3.Client, *conns)
	for i := range clients {
		cli, err := clientv3.New(clientv3.Config{
			Endpoints:   strings.Split(*endpoints, ","),
			DialTimeout: 5 * time.Second,
		})
		if err != nil {
			fail("cannot connect to %s: %v", *endpoints, err)
		}
		defer cli.Close()
		clients[i] = cli
	}

	t0 := time.Now().Add(time.Duration(*warmup) * time.Second)
	w := window{t0, t0.Add(time.Duration(*seconds) * time.Second)}
	stats := make([]writerStats, *writers)
	var wg sync.WaitGroup
	for i := 0; i < *writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			write(clients[i%len(clients)], w, 0x5eed0000+int64(i), &stats[i])
		}(i)
	}
	wg.Wait()

	var us []float64
	failed := 0
	lastFailure := ""
	for _, s := range stats {
		us = append(us, s.us...)
		failed += s.failed
		if s.lastFailure != "" {
			lastFailure = s.lastFailure
		}
	}
	sort.Float64s(us)
	fmt.Printf("etcd_load: %d writers on %d client(s), each one put of a %d B value to a random key of %d\n"+
		"outstanding, to %s; %d s warm-up, %d s measured.\n",
		*writers, *conns, valueBytes, keyCount, *endpoints, *warmup, *seconds)
	if failed > 0 {
		fmt.Printf("  failed writes: %d (last: %s)\n", failed, lastFailure)
	}
	fmt.Printf("etcd writers=%d writes_per_s=%.0f p50_us=%.0f p99_us=%.0f\n", *writers,
		float64(len(us))/float64(*seconds), percentile(us, 0.5), percentile(us, 0.99))
}
