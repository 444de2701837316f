//! "Go Concurrency Patterns: Pipelines and cancellation" (Sameer Ajmani, the Go blog,
//! <https://go.dev/blog/pipelines>), bounded parallelism (`bounded.go`): MD5 of every regular
//! file under a directory, read by a fixed pool of digesters, printed sorted by path.
//!
//! `cargo run --example pipeline_md5 [DIR]` (default: this repository's `src/`). The output
//! matches `find DIR -type f | LC_ALL=C sort | xargs md5sum`. There is no md5 crate among the
//! dependencies, so a small MD5 (RFC 1321) is at the bottom of this file.
//!
//! ```go
//! func walkFiles(done <-chan struct{}, root string) (<-chan string, <-chan error) {
//!     paths := make(chan string)
//!     errc := make(chan error, 1)
//!     go func() {
//!         defer close(paths)
//!         errc <- filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
//!             if err != nil { return err }
//!             if !info.Mode().IsRegular() { return nil }
//!             select {
//!             case paths <- path:
//!             case <-done: return errors.New("walk canceled")
//!             }
//!             return nil
//!         })
//!     }()
//!     return paths, errc
//! }
//!
//! type result struct { path string; sum [md5.Size]byte; err error }
//!
//! func digester(done <-chan struct{}, paths <-chan string, c chan<- result) {
//!     for path := range paths {
//!         data, err := ioutil.ReadFile(path)
//!         select {
//!         case c <- result{path, md5.Sum(data), err}:
//!         case <-done: return
//!         }
//!     }
//! }
//!
//! func MD5All(root string) (map[string][md5.Size]byte, error) {
//!     done := make(chan struct{})
//!     defer close(done)
//!     paths, errc := walkFiles(done, root)
//!     c := make(chan result)
//!     var wg sync.WaitGroup
//!     const numDigesters = 20
//!     wg.Add(numDigesters)
//!     for i := 0; i < numDigesters; i++ {
//!         go func() { digester(done, paths, c); wg.Done() }()
//!     }
//!     go func() { wg.Wait(); close(c) }()
//!     m := make(map[string][md5.Size]byte)
//!     for r := range c {
//!         if r.err != nil { return nil, r.err }
//!         m[r.path] = r.sum
//!     }
//!     if err := <-errc; err != nil { return nil, err }
//!     return m, nil
//! }
//!
//! func main() {
//!     m, err := MD5All(os.Args[1])
//!     if err != nil { fmt.Println(err); return }
//!     var paths []string
//!     for path := range m { paths = append(paths, path) }
//!     sort.Strings(paths)
//!     for _, path := range paths { fmt.Printf("%x  %s\n", m[path], path) }
//! }
//! ```
//!
//! What changes in the port: the `done` channel disappears. When `md5_all` returns early on
//! an error, it drops its receiver; the channel closes, the digesters' sends fail and they
//! return, which drops `paths`, so the walker's next send fails and it stops too. The
//! `digester` pool and its `WaitGroup` + closer goroutine are one call to
//! `gokio::pattern::fan_out`, whose output closes after the last digester finishes.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use gokio::pattern::fan_out;
use gokio::{chan, go, Receiver};

const NUM_DIGESTERS: usize = 20;

/// Walks the tree at `root` in a goroutine, sending the path of each regular file. The walk's
/// result arrives on the second channel (capacity 1, so that send never blocks).
fn walk_files(root: PathBuf) -> (Receiver<PathBuf>, Receiver<io::Result<()>>) {
    let (paths, paths_rx) = chan(0).split();
    let (errc, errc_rx) = chan(1).split();
    go(async move {
        let result = async {
            let mut dirs = vec![root];
            while let Some(dir) = dirs.pop() {
                for entry in std::fs::read_dir(&dir)? {
                    let entry = entry?;
                    let kind = entry.file_type()?;
                    if kind.is_dir() {
                        dirs.push(entry.path());
                    } else if kind.is_file() && paths.send(entry.path()).await.is_err() {
                        return Err(io::Error::other("walk canceled"));
                    }
                }
            }
            Ok(())
        }
        .await;
        drop(paths); // close(paths) before reporting, as the deferred close in Go
        let _ = errc.send(result).await;
    });
    (paths_rx, errc_rx)
}

/// Reads every regular file under `root` and returns its MD5 sum by path. On the first error
/// it returns at once, without waiting for reads in flight; dropping the pipeline stops them.
async fn md5_all(root: PathBuf) -> io::Result<HashMap<PathBuf, [u8; 16]>> {
    let (paths, errc) = walk_files(root);
    let results = fan_out(paths, NUM_DIGESTERS, 0, |path: PathBuf| async move {
        let sum = tokio::fs::read(&path).await.map(|data| md5(&data));
        (path, sum)
    });
    let mut m = HashMap::new();
    while let Some((path, sum)) = results.recv().await {
        m.insert(path, sum?);
    }
    errc.recv().await.unwrap_or(Ok(()))?;
    Ok(m)
}

fn main() {
    assert_eq!(hex(&md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(hex(&md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");

    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    // Print paths relative to the current directory when the root is under it.
    let cwd = std::env::current_dir().unwrap_or_default();
    match gokio::run(md5_all(root)) {
        Err(err) => println!("{err}"),
        Ok(m) => {
            // sort.Strings(paths): byte order of the path strings (so "chan.rs" < "chan/").
            let mut lines: Vec<(String, String)> = m
                .iter()
                .map(|(path, sum)| {
                    let shown = path.strip_prefix(&cwd).unwrap_or(path);
                    (shown.display().to_string(), hex(sum))
                })
                .collect();
            lines.sort();
            for (path, sum) in lines {
                println!("{sum}  {path}");
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// MD5 (RFC 1321), enough for this example: one pass over an in-memory message.
fn md5(message: &[u8]) -> [u8; 16] {
    const SHIFTS: [[u32; 4]; 4] = [
        [7, 12, 17, 22],
        [5, 9, 14, 20],
        [4, 11, 16, 23],
        [6, 10, 15, 21],
    ];
    // K[i] = floor(|sin(i + 1)| * 2^32), RFC 1321 § 3.4.
    let k: [u32; 64] =
        std::array::from_fn(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32);

    // Padding: a 1 bit, zeros to 56 mod 64 bytes, then the bit length (little-endian).
    let mut data = message.to_vec();
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend_from_slice(&((message.len() as u64).wrapping_mul(8)).to_le_bytes());

    let mut state: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    for block in data.chunks_exact(64) {
        let m: [u32; 16] = std::array::from_fn(|j| {
            u32::from_le_bytes(block[4 * j..4 * j + 4].try_into().unwrap())
        });
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(SHIFTS[i / 16][i % 4]));
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    let mut out = [0; 16];
    for (chunk, s) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&s.to_le_bytes());
    }
    out
}
