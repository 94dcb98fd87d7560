import type { GraphTemplate } from '../cloud/graph-templates.ts';

/**
 * The templates a fresh peer's WhatsApp Business account has, in Graph's wire format: a
 * positional utility one in Spanish and English, a named-parameter one with a text header, a
 * marketing one with a plain text header, one with an image header (which a send must fill with
 * an image), one pending review and one rejected. Tests get a copy, so changing `peer.templates` never leaks into another test.
 */
export function defaultTemplates(): GraphTemplate[] {
  return [
    {
      id: '1152837463920011',
      name: 'order_update',
      language: 'es',
      status: 'APPROVED',
      category: 'UTILITY',
      parameter_format: 'POSITIONAL',
      components: [
        {
          type: 'BODY',
          text: 'Hola, tu pedido {{1}} ha salido de nuestro almacén y llegará en 2 o 3 días laborables.',
          example: { body_text: [['#4521']] },
        },
        { type: 'FOOTER', text: 'Acme Tienda' },
      ],
    },
    {
      id: '1152837463920012',
      name: 'order_update',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      parameter_format: 'POSITIONAL',
      components: [
        {
          type: 'BODY',
          text: 'Hi, your order {{1}} has left our warehouse and will arrive in 2 to 3 working days.',
          example: { body_text: [['#4521']] },
        },
        { type: 'FOOTER', text: 'Acme Store' },
      ],
    },
    {
      id: '1152837463920013',
      name: 'appointment_reminder',
      language: 'es',
      status: 'APPROVED',
      category: 'UTILITY',
      parameter_format: 'NAMED',
      components: [
        {
          type: 'HEADER',
          format: 'TEXT',
          text: 'Tu cita en {{clinic}}',
          example: { header_text_named_params: [{ param_name: 'clinic', example: 'Clínica Centro' }] },
        },
        {
          type: 'BODY',
          text: 'Hola {{first_name}}, te recordamos tu cita del {{date}}. Responde a este mensaje si necesitas cambiarla.',
          example: {
            body_text_named_params: [
              { param_name: 'first_name', example: 'Lucía' },
              { param_name: 'date', example: '12 de noviembre a las 10:30' },
            ],
          },
        },
      ],
    },
    {
      id: '1152837463920014',
      name: 'spring_sale',
      language: 'en_US',
      status: 'APPROVED',
      category: 'MARKETING',
      parameter_format: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Spring sale' },
        {
          type: 'BODY',
          text: 'Spring is here! Enjoy {{1}} off everything until {{2}}.',
          example: { body_text: [['20%', '31 March']] },
        },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
      ],
    },
    {
      id: '1152837463920017',
      name: 'nuevo_catalogo',
      language: 'es',
      status: 'APPROVED',
      category: 'MARKETING',
      parameter_format: 'POSITIONAL',
      components: [
        // A media header is filled at send time with an image; the console cannot, so it lists no field for it.
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARb_peer_example_handle'] } },
        { type: 'BODY', text: 'Ya está aquí nuestro catálogo de otoño. ¡Échale un vistazo!' },
      ],
    },
    {
      id: '1152837463920015',
      name: 'feedback_survey',
      language: 'es',
      status: 'PENDING',
      category: 'MARKETING',
      parameter_format: 'POSITIONAL',
      components: [
        { type: 'BODY', text: '¿Qué tal fue tu experiencia con {{1}}? Cuéntanos en una palabra.', example: { body_text: [['Acme']] } },
      ],
    },
    {
      id: '1152837463920016',
      name: 'win_back_offer',
      language: 'en_US',
      status: 'REJECTED',
      category: 'MARKETING',
      parameter_format: 'POSITIONAL',
      rejected_reason: 'PROMOTIONAL',
      components: [{ type: 'BODY', text: 'We miss you! Come back for {{1}} off.', example: { body_text: [['50%']] } }],
    },
  ];
}
