"""Words customers really use, grouped by concept.

Each group becomes one concept term (`~name`) added next to the word's own stem, so "megas"
finds an article that says "datos" and a query in English finds the Spanish wording too.
Phrases are joined into one token before tokenising.
"""

from __future__ import annotations

GROUPS: dict[str, tuple[str, ...]] = {
    "signal": (
        "señal", "senal", "cobertura", "barras", "barritas", "rayitas", "antena", "sin servicio",
        "sin red", "no tiene red", "no hay red",
        "solo emergencias", "signal", "coverage", "bars", "reception", "no service",
    ),
    "data": (
        "datos", "internet", "megas", "gigas", "mb", "gb", "navegar", "navegacion", "4g", "5g",
        "lte", "3g", "wifi", "data", "browsing", "browse", "megabytes", "gigabytes", "youtube",
        "videos", "streaming",
    ),
    "slow": ("lento", "lenta", "lentitud", "tarda", "demora", "slow", "lag", "velocidad", "speed"),
    "sms": (
        "mensaje", "mensajes", "sms", "texto", "textos", "msj", "mensajito", "mms",
        "mensaje de texto", "text", "texts", "message", "messages", "txt",
    ),
    "call": (
        "llamada", "llamadas", "llamar", "llamo", "marcar", "voz", "audio", "sonido", "call",
        "calls", "calling", "voice", "sound", "dial", "hablar", "escucho", "escuchan", "oigo",
        "hear", "cortan", "cuelga",
    ),
    "balance": (
        "saldo", "recarga", "recargas", "recargar", "credito", "crédito", "tiempo aire", "topup",
        "top-up", "top up", "balance", "recharge", "credit", "airtime", "paquete", "bolsa",
    ),
    "invoice": (
        "factura", "facturas", "boleta", "boletas", "cuenta", "recibo", "estado de cuenta",
        "invoice", "invoices", "bill", "bills", "statement", "cobro", "cobros", "cargo",
        "cargos", "charge", "charges", "facturacion", "billing",
    ),
    "pay": (
        "pagar", "pago", "pagos", "abonar", "abono", "pay", "payment", "tarjeta", "card",
        "efectivo", "cash", "codigo de pago", "payment code",
    ),
    "phone": (
        "celular", "cel", "telefono", "movil", "equipo", "aparato", "smartphone", "phone",
        "handset", "device", "mobile", "cell",
    ),
    "sim": ("chip", "sim", "simcard", "sim card", "tarjeta sim", "esim"),
    "config": (
        "configurar", "configuracion", "ajustes", "settings", "setup", "configure", "config",
        "actualizar", "actualizacion", "update", "software",
    ),
    "password": (
        "contraseña", "contrasena", "clave", "claves", "password", "passwords", "pin", "nip",
        "acceso", "login", "usuario",
    ),
    "error": ("error", "falla", "fallo", "failed", "failure", "rechazada", "rejected", "problema"),
    "pos": (
        "punto de venta", "tienda", "tiendita", "changarro", "kiosco", "comercio", "negocio",
        "shop", "store", "point of sale", "retailer",
    ),
    "roaming": ("roaming", "extranjero", "viaje", "abroad", "travel", "itinerancia"),
    "drop": (
        "se corta", "se cae", "caida", "caidas", "cortada", "corta", "drops", "dropped", "drop",
        "intermitente", "intermittent",
    ),
    "echo": ("eco", "echo", "entrecortado", "robotico", "choppy", "garbled", "ruido", "noise"),
    "mic": ("microfono", "microphone", "mic", "altavoz", "bocina", "speaker", "auricular"),
    "spam": ("spam", "publicidad", "promociones", "fraude", "estafa", "scam", "fraud", "phishing"),
    "voicemail": ("buzon", "buzon de voz", "voicemail", "contestadora"),
    "hotspot": ("hotspot", "compartir internet", "tethering", "modem", "punto de acceso"),
    "pdf": ("pdf", "descargar", "download", "imprimir", "print", "copia"),
}
