#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubechart_fuzz::kubeconfig::kubeconfig_upload(data));
