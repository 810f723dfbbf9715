#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubechart_fuzz::render::render_round_trip(data));
