from django import forms

from badges.credentials import read_presented

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class VerifyForm(forms.Form):
    """A credential to check: pasted (JSON or JWT) or uploaded (that, or a baked badge PNG)."""

    credential = forms.CharField(
        label="Paste a credential (JSON or JWT)",
        required=False,
        max_length=MAX_UPLOAD_BYTES,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
    )
    file = forms.FileField(
        label="…or upload one (.json, .jwt, or a badge image .png)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.jwt,.txt,.png,application/json,image/png"}),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError("That file is larger than 2 MB; a credential is much smaller.")
            try:
                data["text"] = read_presented(upload.read())
            except ValueError as error:
                raise forms.ValidationError(f"We could not read that file: {error}.") from None
        elif data.get("credential", "").strip():
            data["text"] = data["credential"].strip()
        elif not self.errors:
            raise forms.ValidationError("Paste a credential or choose a file to check.")
        return data
