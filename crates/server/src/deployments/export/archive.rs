//! A chart packaged as Helm packages it: a gzipped tar whose entries sit under a directory
//! named after the chart. Entries carry the revision's time, so the same revision always gives
//! the same bytes.

use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;

pub(super) fn tgz(
    chart_name: &str,
    files: &[(String, String)],
    modified: DateTime<Utc>,
) -> std::io::Result<Vec<u8>> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    let mtime = u64::try_from(modified.timestamp()).unwrap_or_default();
    for (path, text) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(mtime);
        builder.append_data(&mut header, format!("{chart_name}/{path}"), text.as_bytes())?;
    }
    builder.into_inner()?.finish()
}
