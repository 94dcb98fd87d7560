import type { ChannelPresentation } from '@centralita/channel-kit';

/** WhatsApp's name and labels for consoles; the icon is a plain drawn speech bubble, not WhatsApp's trademark. */
export const PRESENTATION: ChannelPresentation = {
  icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M3 21l1.7-4.6A8.5 8.5 0 1 1 8 19.6z"/><path d="M9 9.5c.5 2.5 2.5 4.5 5 5l1-1.5-2-1-1 .8c-.8-.4-1.5-1.1-1.8-1.8l.8-1-1-2z"/></svg>',
  fields: {
    mode: {
      label: 'Connection',
      help: 'cloud: Meta’s Cloud API for a business number. web: a phone linked through WhatsApp Web (whatsapp-web.js) — it automates WhatsApp Web, which WhatsApp does not allow for businesses and may block the number for.',
    },
    phoneNumberId: { label: 'Phone number id', help: 'The business number’s id in WhatsApp Manager (API setup), not the number itself.' },
    businessAccountId: { label: 'WhatsApp Business Account id', help: 'Lists the approved templates and points the webhook here.' },
    accessToken: {
      label: 'Access token',
      help: 'A system user’s permanent token with whatsapp_business_messaging and whatsapp_business_management.',
    },
    appSecret: { label: 'App secret', help: 'From the Meta app’s basic settings; checks the signature of every webhook delivery.' },
    verifyToken: { label: 'Webhook verify token', help: 'Generated for you; Meta sends it back when it verifies the webhook URL.' },
    subscribeWebhook: {
      label: 'Point the webhook here',
      help: 'Subscribes the app to the business account with this server’s URL when the account starts.',
    },
    graphUrl: { label: 'Graph API address', help: 'https://graph.facebook.com unless a proxy stands in between.' },
    graphVersion: { label: 'Graph API version' },
    bsuidField: {
      label: 'Field for user-id-only sends',
      help: 'Where a reply to a customer with no known phone puts their business-scoped user id.',
    },
    maxMediaBytes: { label: 'Largest file kept (bytes)', help: 'Larger inbound files are listed in the message but not downloaded.' },
    pairSpacingMs: {
      label: 'Spacing between messages to one person (ms)',
      help: 'Meta allows about one message every 6 s to the same person.',
    },
    chromiumPath: { label: 'Chromium path', help: 'WhatsApp Web runs in this browser; Debian’s is /usr/bin/chromium.' },
    headless: { label: 'Hide the browser window' },
    readyTimeoutSeconds: { label: 'Seconds to wait for WhatsApp Web', help: 'A session not ready by then is restarted.' },
    sessionBackupSeconds: {
      label: 'Seconds between session saves',
      help: 'The linked session is kept in the database, so any node can resume it.',
    },
  },
  visibilities: { private: 'WhatsApp message' },
  locales: {
    es: {
      fields: {
        mode: {
          label: 'Conexión',
          help: 'cloud: la Cloud API de Meta para un número de empresa. web: un teléfono vinculado por WhatsApp Web (whatsapp-web.js), que automatiza WhatsApp Web; WhatsApp no lo permite a empresas y puede bloquear el número.',
        },
        phoneNumberId: {
          label: 'Id del número',
          help: 'El id del número de empresa en WhatsApp Manager (configuración de la API), no el número.',
        },
        businessAccountId: {
          label: 'Id de la cuenta de WhatsApp Business',
          help: 'Lista las plantillas aprobadas y apunta el webhook aquí.',
        },
        accessToken: {
          label: 'Token de acceso',
          help: 'Token permanente de un usuario del sistema con whatsapp_business_messaging y whatsapp_business_management.',
        },
        appSecret: {
          label: 'Secreto de la app',
          help: 'De la configuración básica de la app de Meta; comprueba la firma de cada envío del webhook.',
        },
        verifyToken: {
          label: 'Token de verificación del webhook',
          help: 'Se genera solo; Meta lo devuelve al verificar la URL del webhook.',
        },
        subscribeWebhook: {
          label: 'Apuntar el webhook aquí',
          help: 'Suscribe la app a la cuenta con la URL de este servidor al arrancar la cuenta.',
        },
        graphUrl: { label: 'Dirección de la Graph API', help: 'https://graph.facebook.com salvo que haya un proxy entre medias.' },
        graphVersion: { label: 'Versión de la Graph API' },
        bsuidField: {
          label: 'Campo para envíos solo con id de usuario',
          help: 'Dónde va el id de usuario de un cliente sin teléfono conocido.',
        },
        maxMediaBytes: { label: 'Archivo más grande que se guarda (bytes)', help: 'Los mayores se listan en el mensaje sin descargarse.' },
        pairSpacingMs: {
          label: 'Separación entre mensajes a una persona (ms)',
          help: 'Meta permite un mensaje cada 6 s más o menos a la misma persona.',
        },
        chromiumPath: { label: 'Ruta de Chromium', help: 'WhatsApp Web se ejecuta en este navegador; el de Debian es /usr/bin/chromium.' },
        headless: { label: 'Ocultar la ventana del navegador' },
        readyTimeoutSeconds: {
          label: 'Segundos de espera a WhatsApp Web',
          help: 'Una sesión que no está lista para entonces se reinicia.',
        },
        sessionBackupSeconds: {
          label: 'Segundos entre copias de la sesión',
          help: 'La sesión vinculada se guarda en la base de datos para que cualquier nodo la retome.',
        },
      },
      visibilities: { private: 'Mensaje de WhatsApp' },
      messages: {
        window_closed:
          'WhatsApp solo permite respuestas libres en las 24 horas siguientes al último mensaje del cliente, y esa ventana se cerró. Envía una plantilla aprobada.',
        no_window: 'El cliente aún no ha escrito a este número de WhatsApp: solo una plantilla aprobada puede empezar la conversación.',
        no_templates: 'Las plantillas son de la Cloud API; una cuenta de WhatsApp Web solo envía texto libre.',
      },
    },
  },
};
