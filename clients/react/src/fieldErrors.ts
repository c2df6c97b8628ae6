// Which form field a server error belongs to, so the component can show it beside that
// field (the codes are the API's stable error codes).

export type Field = 'image' | 'script' | 'voice' | 'aspect' | 'form';

export function fieldFor(code: string): Field {
  if (code.startsWith('image_') || code === 'avatar_missing') return 'image';
  if (code.startsWith('script_') || code === 'product_name_missing') return 'script';
  if (code.startsWith('voice_')) return 'voice';
  if (code === 'invalid_aspect' || code === 'invalid_height' || code === 'invalid_layout') return 'aspect';
  return 'form';
}
