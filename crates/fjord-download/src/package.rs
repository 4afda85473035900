//! Packing a made file: its data files, the metadata and the license in one zip,
//! written beside its place and renamed into it once whole, with its SHA-256 kept beside
//! it (`<name>.sha256`: size and digest), so serving it again reads no more than that.

use crate::db::Made;
use crate::error::Result;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

/// Zip `files` (by their names; zips in it stored as they are, the rest deflated) and
/// `extras` (name, bytes) into `out`; a crash midway leaves at most a `.part` file, never
/// a half zip under the final name.
pub fn zip(out: &Path, files: &[PathBuf], extras: &[(String, Vec<u8>)]) -> Result<Made> {
    let part = out.with_extension("zip.part");
    let file = std::fs::File::create(&part)?;
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for path in files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        zip.start_file(name.as_str(), if name.ends_with(".zip") { stored } else { options })?;
        std::io::copy(&mut std::fs::File::open(path)?, &mut zip)?;
    }
    for (name, bytes) in extras {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    zip.finish()?.sync_all()?;
    let (size, sha256) = digest(&part)?;
    std::fs::write(digest_path(out), format!("{size} {sha256}"))?;
    std::fs::rename(&part, out)?;
    Ok(Made { path: out.to_path_buf(), size, sha256 })
}

/// Where the size and digest of zip `out` are kept.
fn digest_path(out: &Path) -> PathBuf {
    out.with_extension("zip.sha256")
}

/// The zip at `out` as made by [`zip`], with its kept size and digest; `None` when there
/// is none (or its digest is lost: then it is made again).
pub fn made(out: &Path) -> Option<Made> {
    let kept = std::fs::read_to_string(digest_path(out)).ok()?;
    let (size, sha256) = kept.split_once(' ')?;
    let size = size.parse().ok()?;
    (out.exists() && sha256.len() == 64).then(|| Made { path: out.to_path_buf(), size, sha256: sha256.to_string() })
}

/// Size and SHA-256 (hex) of a file, read in blocks.
fn digest(path: &Path) -> Result<(u64, String)> {
    let mut f = std::fs::File::open(path)?;
    let (mut hasher, mut buf, mut size) = (Sha256::new(), vec![0u8; 1 << 16], 0u64);
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, format!("{:x}", hasher.finalize())))
}
