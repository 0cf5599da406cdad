"""The weighted lexicon of each fault area, in the words customers actually write.

Each line is `weight  phrase | phrase | ...`. Phrases are plain Spanish (or English) and are
compiled by stem, so "llamada" also covers "llamadas", "llamar", "llamo". Stop words inside a
phrase are ignored and the words may come in any order, close together. `=word` matches that exact
word only (for words whose stem is ambiguous: "cargo" a charge, "cargando" a page loading).
A negative weight is counter-evidence ("mensaje de error" is not about SMS).

Latin-American usage from several countries: megas/gigas, saldo, recarga (MX, CO, PE...),
carga (AR, PY), chip, celu, boleta (CL, PE), RUC/NIT/RFC/CUIT for invoices.
"""

from __future__ import annotations

from functools import cache

SPANISH: dict[str, str] = {
    "connection": """
        3    sin servicio | no tengo servicio | fuera de servicio | no registrado en la red
        2.5  señal | cobertura | antena | llamadas de emergencia | solo emergencia
        2    emergencia | sin red | no hay red | se cayó la red | caída de la red | torre
        2    barras | barritas | rayita | rayitas | interferencia | pierde la señal
        1.5  red | falla en la red | falla masiva | roaming | intermitente | zona | zona rural
        1    no tengo señal | poca señal | sin señal | no agarra | no capta | colonia | barrio
        0.5  casa | ciudad | pueblo | calle | edificio | oficina
    """,
    "data": """
        3    datos móviles | internet móvil | no puedo navegar | navegar | hotspot
        2.5  internet | datos | 4g | lte | 5g | conexión de datos | punto de acceso
        2    megas | velocidad | youtube | =cargando | páginas | navegador | no me conecta
        2    compartir internet | 3g | se desconecta | lentísimo | whatsapp
        1.5  gigas | lento | lenta | no =carga | no me =carga | descargas | descargar
        1.5  redes sociales | facebook | instagram | tiktok | conexión | wifi | apps
        1    aplicación | app | fotos | videos | navegación | ping | h
    """,
    "sms": """
        3    sms | mms | mensajes de texto | mensaje de texto | mensajitos | centro de mensajes
        2.5  mensaje | mensajes multimedia | código de verificación | código por mensaje
        2    no me llegan los mensajes | mensajes no salen | no enviado | =enviando | texto
        2    token | código de confirmación | mensajes de confirmación
        1.5  multimedia | pin | código | publicidad | spam | duplicados | verificación
        1    enviar | envío | recibir | llegan vacíos
        -1.5 mensaje de error | sale un mensaje
    """,
    "calls": """
        3    llamada | no me escuchan | no escucho | no se escucha | buzón de voz | llamada fallida
        2.5  buzón | entrecortado | entrecortada | audio | robotizada | robotizado | contestar
        2.5  =contesto | marco | ocupado | no existe | cuelga | timbra | sale apagado
        2    voz | eco | escuchar | llamadas internacionales | números fijos | desvío
        1.5  ruido | =marcar | minutos | fijo | llamadas perdidas | no me deja llamar
        1    internacional | larga distancia
    """,
    "device": """
        4    apn | esim | imei | volte
        3    configurar | configuración | no prende | no enciende | no arranca | reinicia
        3    se calienta | batería | no reconoce el chip | sin sim | sim no válida
        3    insertar sim | activar roaming | activo el roaming | tarjeta sim | se =apaga solo
        2.5  liberar | libero | desbloquear | pantalla | logo | se mojó | actualizar
        2.5  modo avión | ajustes | no detecta | sim
        2    actualización | android | chip | bloqueado | equipo bloqueado | reponer el chip
        1.5  samsung | motorola | huawei | xiaomi | iphone | dañado | se dañó | bluetooth
        1    celular nuevo | teléfono nuevo | reconoce | detecta | cámara
        0.3  teléfono | celular | equipo | móvil
    """,
    "billing": """
        3    factura | boleta | estado de cuenta | débito automático | fecha de corte | recibo
        3    comprobante de pago | código de pago | cuánto debo | facturación | =cargos | =cargo
        2.5  saldo | recarga | recargar | deuda | vence | vencimiento | venció | comprobante
        2.5  reembolso | devolución | aclaración | balance | =cargue | =cargué | cobro | cobrar
        2    pago | pagar | debo | abono | depósito | monto | descontaron | descuento | ruc | nit
        2    rfc | cuit | rut | tigo money | billetera | transferir saldo | préstamo de saldo
        1.5  efectivo | tarjeta de crédito | tarjeta de débito | debitaron | pendiente | prestar
        2    =cortar servicio | =cortaron servicio | =corten servicio | falta de pago
        1.5  kiosco | dinero | plata | pesos | soles | guaraníes | dólares | giros
        2    factura detallada | detalle de llamadas | detalle de consumo | consumos
        1    cuotas | precio de la recarga | pagos | banco
    """,
    "sales": """
        4    portabilidad | línea nueva | nueva línea | dar de baja | fibra óptica | distribuidor
        3    vender recargas | punto de venta nuevo | línea adicional
        3    contratar | promo | promoción | cuánto cuesta | fibra | pospago | ofertas | oferta
        3    renovar | cambiar de plan | cambiar mi plan | me interesa | cotizar | cotización
        2.5  planes | plan | precio | =comprar | =comprarme | =compraria | =compro | portarme
        2.5  portar | ilimitado | prepago a pospago
        2.5  me ofrecieron | internet para mi casa | internet hogar | catálogo | adquirir
        2    contrato | líneas | empresa | empresas | negocio | venden | cancelar la línea
        3    traer mi número | pasar mi número | llevar mi número | cambiarme de compañía
        2    netflix incluido | mismo número | pasarme | prepago
        1.5  paquete | incluido | hogar | cuesta | info de planes | información | tv | cable
        1    cuotas | equipo nuevo | chips | quiero
    """,
    "other": """
        3    contraseña | iniciar sesión | horario de atención | sucursal | sistema lento
        2.5  clave | asesor | queja | horario | tienda | se queda pensando | hablar con alguien
        2    usuario | no puedo entrar | portal | atención | mal servicio | reclamo | dirección
        1.5  esperando | hablar con | sistema
        0.3  mi =claro | mi =tigo | mi =movistar | mi =personal | mi =entel
        1    solucionó | solucionado | resetear | restablecer
        0.5  hola | buenas tardes | buenas noches | buenos días | gracias | ayuda | necesito
    """,
}

ENGLISH: dict[str, str] = {
    "connection": """
        3    no service | no signal | reception | outage | emergency calls only | emergency only
        2.5  signal | coverage | network | tower | bars
        1.5  roaming | area | downtown
    """,
    "data": """
        3    mobile data | internet | hotspot | browse | browsing
        2.5  data | 4g | lte | 5g | speed | slow internet
        1.5  slow | web pages | load | loading | apps | whatsapp | wifi
    """,
    "sms": """
        3    sms | text messages | text message | texts | mms
        2.5  text | messages | message | verification code | otp
        1    code | sending | receive
    """,
    "calls": """
        3    calls | call | voicemail | dropped calls | can not hear
        2.5  hear | audio | voice | echo | busy | calls drop
        1.5  drop | ring | minutes
    """,
    "device": """
        4    apn | esim | imei | volte
        3    set up | setup | settings | configure | unlock | battery | restart | screen
        2.5  sim | android | iphone | phone will not turn on | update
        1    phone | device
    """,
    "billing": """
        3    bill | invoice | balance | top up | topup | recharge | refund | overcharged
        2.5  payment | pay | charge | charged | statement | credited | debit
        1.5  credit | money | card
    """,
    "sales": """
        3    upgrade | new line | port my number | how much | price | buy | offers | deal | new sim
        2.5  plan | plans | unlimited | prepaid plans | postpaid | contract | offer
        1.5  prepaid | fiber | deals
    """,
    "other": """
        3    password | login | log in | sign in | complaint | store hours
        2.5  agent | representative | talk to someone | store
        1    help | hello | thanks
    """,
}

# Words of purchase intent: with product words they make a message a sale, not a bill.
PURCHASE_INTENT = (
    "quiero contratar | me interesa | cuánto cuesta | precio | promo | promoción | oferta | ofertas"
    " | =comprar | =compro | =comprarme | contratar | cotizar | adquirir | info de planes"
    " | renovar | upgrade | buy"
    " | how much | price | offer"
)

# Words general enough that typo correction must leave them alone.
COMMON_WORDS = (
    "problema problemas ningun funciona funcionan perfecto normal nothing wrong issues tengo"
    " puedo quiero necesito hacer tiene estoy mismo misma desde ahora todavia siempre nunca"
    " nadie ninguna ninguno mensual semana meses horas minutos dias favor porque tambien"
    " tampoco gracias llego llega llegan hice hizo puesto presto pasado pasada primera"
    " ultima ultimo cambio cambie cambiar mande mando envie vuelve vuelva sigue siguen"
)


def lexicon_lines(table: dict[str, str]) -> list[tuple[str, float, str]]:
    """(category, weight, phrase) for every phrase of a table."""
    rows: list[tuple[str, float, str]] = []
    for category, block in table.items():
        for line in block.strip().splitlines():
            weight, _, phrases = line.strip().partition(" ")
            for phrase in phrases.split("|"):
                if phrase.strip():
                    rows.append((category, float(weight), phrase.strip()))
    return rows


@cache
def known_phrases() -> tuple[str, ...]:
    """Every phrase of the lexicons and cue lists (the vocabulary typo correction aims at)."""
    from helpdesk.triage.clarification import cue_phrases

    phrases = [phrase for _, _, phrase in lexicon_lines(SPANISH) + lexicon_lines(ENGLISH)]
    phrases += [p.strip() for p in PURCHASE_INTENT.split("|")]
    phrases += list(cue_phrases())
    phrases += COMMON_WORDS.split()
    return tuple(phrases)
