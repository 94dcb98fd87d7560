import type { Strings } from './strings.ts';

// The template picker of the composer (WhatsApp outside its 24-hour window), loaded with it.
export const en = {
  title: 'Templates',
  search: 'Search templates by name',
  refresh: 'Refresh',
  listedAt: 'Listed at {{when}}',
  empty: 'This account has no templates yet.',
  noMatch: 'No template is called anything like “{{q}}”.',
  failed: 'The templates could not be listed: {{message}}',
  customerLanguage: 'The customer’s language',
  notApproved: 'Only approved templates can be sent.',
  status: { pending: 'Pending review', rejected: 'Rejected', other: 'Not approved ({{status}})' },
  category: { marketing: 'Marketing', utility: 'Utility', authentication: 'Authentication' },
  part: { body: 'Body', header: 'Header' },
  fields: 'Fill in the template',
  noFields: 'This template has nothing to fill in.',
  preview: 'What the customer receives',
  pick: 'Choose an approved template above.',
  problem: {
    empty: 'Fill this in.',
    tooLong: 'At most {{max}} characters.',
    spacing: 'No new lines, tabs or more than four spaces in a row.',
    invalid: 'The channel would not take this value.',
  },
  send: 'Send template',
};

export const es: Strings<typeof en> = {
  title: 'Plantillas',
  search: 'Buscar plantillas por nombre',
  refresh: 'Actualizar',
  listedAt: 'Lista de las {{when}}',
  empty: 'Esta cuenta aún no tiene plantillas.',
  noMatch: 'Ninguna plantilla se llama como «{{q}}».',
  failed: 'No se han podido listar las plantillas: {{message}}',
  customerLanguage: 'El idioma del cliente',
  notApproved: 'Solo se pueden enviar las plantillas aprobadas.',
  status: { pending: 'Pendiente de revisión', rejected: 'Rechazada', other: 'No aprobada ({{status}})' },
  category: { marketing: 'Marketing', utility: 'Servicio', authentication: 'Autenticación' },
  part: { body: 'Cuerpo', header: 'Encabezado' },
  fields: 'Rellena la plantilla',
  noFields: 'Esta plantilla no tiene nada que rellenar.',
  preview: 'Lo que recibe el cliente',
  pick: 'Elige arriba una plantilla aprobada.',
  problem: {
    empty: 'Rellena este campo.',
    tooLong: 'Como mucho {{max}} caracteres.',
    spacing: 'Sin saltos de línea, tabuladores ni más de cuatro espacios seguidos.',
    invalid: 'El canal no aceptaría este valor.',
  },
  send: 'Enviar plantilla',
};
