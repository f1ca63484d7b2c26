//! `cml disasm`: an image file into assembly source on stdout.

use std::path::PathBuf;

use cml_image::ImageError;

use crate::input::{self, display_name, Problems};
use crate::{stderr_color, write_stderr, write_stdout, Ending};

/// Print an image as assembly source.
///
/// Reads an image written by `cml asm` and prints it as source text on
/// stdout: instructions with labels for every branch target (the image's
/// own symbols where it has them), data as `.word`, `.ascii` and `.table`,
/// and words that are not instructions as `.insn`. Assembling the listing
/// again gives a byte-identical image. Exits 0 on success and 1 when the
/// file cannot be read or is not a valid image.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  cml disasm hello.img
  cml disasm hello.img > again.s && cml asm again.s    the same image again")]
pub struct DisasmArgs {
    /// The image file, as written by `cml asm`.
    pub file: PathBuf,
}

/// Runs `cml disasm`.
pub fn disassemble_file(args: &DisasmArgs) -> Ending {
    let path = &args.file;
    let image = input::read_bytes(path).and_then(|bytes| {
        if cml_image::Image::looks_like_image(&bytes) {
            input::image_from_bytes(path, &bytes)
        } else {
            let mut diagnostic = ImageError::NotAnImage.to_diagnostic(&display_name(path));
            diagnostic.hint = Some(format!(
                "`cml disasm` takes an image written by `cml asm`; to run source directly, use `cml run {}`",
                display_name(path)
            ));
            Err(Problems::single(diagnostic))
        }
    });
    match image {
        Ok(image) => {
            write_stdout(cml_asm::disassemble(&image).as_bytes());
            Ending::Success
        }
        Err(problems) => {
            write_stderr(&problems.render(stderr_color()));
            Ending::BadInput
        }
    }
}
