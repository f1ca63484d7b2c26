use proptest::prelude::*;

use super::*;

fn sample() -> Image {
    let mut image = Image::new(IsaVersion::V0_5);
    image.entry = 0x10;
    image.segments.push(Segment {
        origin: 0x10,
        words: vec![0x0041, 0x7900, 0x9800],
    });
    image.segments.push(Segment {
        origin: 0x100,
        words: vec![1, 2, 3],
    });
    image.symbols.push(Symbol {
        name: "start".into(),
        address: 0x10,
    });
    image.data_ranges.push(DataRange {
        start: 0x100,
        length: 3,
    });
    image.other_sections.push(RawSection {
        kind: 99,
        bytes: vec![1, 2, 3],
    });
    image
}

#[test]
fn bytes_round_trip() {
    let image = sample();
    assert_eq!(Image::from_bytes(&image.to_bytes()), Ok(image));
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let bytes = sample().to_bytes();
    for length in 0..bytes.len() {
        assert!(
            Image::from_bytes(&bytes[..length]).is_err(),
            "length {length}"
        );
    }
}

#[test]
fn a_flipped_bit_is_caught() {
    let bytes = sample().to_bytes();
    for index in 4..bytes.len() {
        let mut corrupt = bytes.clone();
        corrupt[index] ^= 0x10;
        assert!(Image::from_bytes(&corrupt).is_err(), "byte {index}");
    }
}

#[test]
fn overlapping_segments_are_rejected() {
    let mut image = sample();
    image.segments.push(Segment {
        origin: 0x11,
        words: vec![0],
    });
    assert!(matches!(
        Image::from_bytes(&image.to_bytes()),
        Err(ImageError::SegmentsOverlap { .. })
    ));
}

#[test]
fn a_segment_may_end_exactly_at_the_top_of_memory() {
    let mut image = Image::new(IsaVersion::V0_4);
    image.segments.push(Segment {
        origin: 0xFFFE,
        words: vec![1, 2],
    });
    assert!(Image::from_bytes(&image.to_bytes()).is_ok());
    image.segments[0].words.push(3);
    assert!(Image::from_bytes(&image.to_bytes()).is_err());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Image::from_bytes(&bytes);
        let mut with_magic = MAGIC.to_vec();
        with_magic.extend_from_slice(&bytes);
        let _ = Image::from_bytes(&with_magic);
    }
}
