//! Render time per example application.

use criterion::{Criterion, criterion_group, criterion_main};

fn render_examples(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    let options = kubechart_manifest::RenderOptions::default();
    for path in entries {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(spec) = kubechart_manifest::parse_spec(&text) else {
            continue;
        };
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        c.bench_function(&format!("render/{name}"), |b| {
            b.iter(|| kubechart_manifest::render(std::hint::black_box(&spec), &options))
        });
    }
}

criterion_group!(benches, render_examples);
criterion_main!(benches);
