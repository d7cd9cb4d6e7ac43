import QRCode from "qrcode";

/** A QR code as an SVG string (no width or height: it fills the box it is put in). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", margin: 1 });
}
