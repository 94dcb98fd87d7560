import QRCode from 'qrcode';

/**
 * How long one code stays valid: WhatsApp Web shows a new one about every 20 seconds (the first a
 * little longer), and each arrives as a new `qr` event and a new state report.
 */
export const QR_LIFETIME_MS = 20_000;

/**
 * The code WhatsApp Web shows for linking, as the PNG data URL the console displays. The code
 * carries the device's public keys and a linking secret: it is drawn, never logged.
 */
export function qrDataUrl(code: string): Promise<string> {
  return QRCode.toDataURL(code, { type: 'image/png', errorCorrectionLevel: 'M', margin: 2, width: 288 });
}
