//! The yardstick process: reads a file in 1 MiB blocks and does the least any MSNP parser must
//! (`msnp_bench::memchr_split`: a memchr line split with a token split of each line), so the
//! `msnp` binary's whole-process speed can be given as a ratio to it on the same bytes:
//! `yardstick FILE` prints the checksum.

use std::io::Read;
use std::process::ExitCode;

use msnp_bench::memchr_split;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: yardstick FILE");
        return ExitCode::from(2);
    };
    let mut file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("yardstick: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Constant memory like the CLI: complete lines are split, the partial one carried over.
    let mut buf = vec![0u8; 1 << 20];
    let (mut filled, mut sum) = (0usize, 0usize);
    loop {
        let n = match file.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("yardstick: {path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        filled += n;
        let end = if n == 0 {
            filled
        } else {
            memchr::memrchr(b'\n', &buf[..filled]).map_or(0, |i| i + 1)
        };
        sum = sum.wrapping_add(memchr_split(&buf[..end]));
        buf.copy_within(end..filled, 0);
        filled -= end;
        if n == 0 {
            break;
        }
        if filled == buf.len() {
            // A line longer than the buffer: grow, as any splitter must.
            buf.resize(buf.len() * 2, 0);
        }
    }
    println!("{sum}");
    ExitCode::SUCCESS
}
