//! Any bytes: reading an image never panics, and a read image writes back
//! to bytes that read as the same image.
#![no_main]

use cml_image::Image;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(image) = Image::from_bytes(bytes) {
        assert_eq!(Image::from_bytes(&image.to_bytes()).as_ref(), Ok(&image));
    }
});
