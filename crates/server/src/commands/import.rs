//! `kubechart import`: existing manifests → an AppSpec on stdout, the report on stderr. When
//! nothing can be imported, each problem is one `path: message` line and the exit status is 1.

use super::{AlreadyReported, read_input};
use crate::cli::{ImportArgs, SpecFormat};
use anyhow::Context as _;
use kubechart_manifest::import::{ImportOptions, import_text};
use std::io::Write as _;

pub fn import(args: ImportArgs) -> anyhow::Result<()> {
    let text = read_input(&args.file)?;
    let options = ImportOptions {
        namespace: args.namespace,
        name: args.name,
    };
    let imported = match import_text(&text, &options) {
        Ok(imported) => imported,
        Err(error) => {
            for problem in &error.problems {
                eprintln!("{problem}");
            }
            return Err(AlreadyReported.into());
        }
    };
    for line in imported.report.lines() {
        eprintln!("{line}");
    }
    let output = match args.output {
        SpecFormat::Yaml => serde_saphyr::to_string(&imported.spec)
            .context("the AppSpec cannot be written as YAML")?,
        SpecFormat::Json => format!("{}\n", serde_json::to_string_pretty(&imported.spec)?),
    };
    std::io::stdout()
        .write_all(output.as_bytes())
        .context("cannot write to stdout")
}
