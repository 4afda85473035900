//! Packing a made file: its data files, the metadata and the license in one zip,
//! written beside its place and renamed into it once whole, with its SHA-256.

use crate::db::Made;
use crate::error::Result;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

/// Zip `files` (by their names) and `extras` (name, bytes) into `out`; a crash midway
/// leaves at most a `.part` file, never a half zip under the final name.
pub fn zip(out: &Path, files: &[PathBuf], extras: &[(String, Vec<u8>)]) -> Result<Made> {
    let part = out.with_extension("zip.part");
    let file = std::fs::File::create(&part)?;
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for path in files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        zip.start_file(name, options)?;
        std::io::copy(&mut std::fs::File::open(path)?, &mut zip)?;
    }
    for (name, bytes) in extras {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    zip.finish()?.sync_all()?;
    std::fs::rename(&part, out)?;
    let (size, sha256) = digest(out)?;
    Ok(Made { path: out.to_path_buf(), size, sha256 })
}

/// Size and SHA-256 (hex) of a file, read in blocks.
pub fn digest(path: &Path) -> Result<(u64, String)> {
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
