import type { Strings } from './strings.ts';

export const en = {
  open: 'Command palette',
  hint: 'Search or jump… (Ctrl+K)',
  placeholder: 'A contact, a screen or an action',
  nothing: 'Nothing found',
  searching: 'Searching…',
  groups: { conversations: 'Conversations', screens: 'Go to', actions: 'Actions' },
  actions: {
    assignMe: 'Assign the open conversation to me',
    resolve: 'Resolve the open conversation',
    language: 'Switch language to {{lang}}',
    status: 'Set my status: {{status}}',
    shortcuts: 'Show keyboard shortcuts',
  },
  done: { assigned: 'Assigned to you', resolved: 'Resolved' },
  noSubject: 'No subject',
  notifications: {
    settings: 'Alerts',
    banner: 'Get a notification when a conversation is assigned to you or a customer writes in one of yours.',
    turnOn: 'Turn on notifications',
    notNow: 'Not now',
    enabled: 'Desktop notifications',
    blocked: 'Notifications are blocked in this browser’s site settings.',
    sound: 'Play a sound',
    newAssigned: 'Assigned to you: {{name}}',
    newMessage: 'New message from {{name}}',
  },
};

export const es: Strings<typeof en> = {
  open: 'Paleta de comandos',
  hint: 'Buscar o ir a… (Ctrl+K)',
  placeholder: 'Un contacto, una pantalla o una acción',
  nothing: 'No se ha encontrado nada',
  searching: 'Buscando…',
  groups: { conversations: 'Conversaciones', screens: 'Ir a', actions: 'Acciones' },
  actions: {
    assignMe: 'Asignarme la conversación abierta',
    resolve: 'Resolver la conversación abierta',
    language: 'Cambiar el idioma a {{lang}}',
    status: 'Poner mi estado en {{status}}',
    shortcuts: 'Ver los atajos de teclado',
  },
  done: { assigned: 'Te la has asignado', resolved: 'Resuelta' },
  noSubject: 'Sin asunto',
  notifications: {
    settings: 'Avisos',
    banner: 'Recibe un aviso cuando te asignen una conversación o un cliente escriba en una de las tuyas.',
    turnOn: 'Activar las notificaciones',
    notNow: 'Ahora no',
    enabled: 'Notificaciones de escritorio',
    blocked: 'Las notificaciones están bloqueadas en los ajustes del sitio de este navegador.',
    sound: 'Reproducir un sonido',
    newAssigned: 'Te han asignado: {{name}}',
    newMessage: 'Mensaje nuevo de {{name}}',
  },
};
