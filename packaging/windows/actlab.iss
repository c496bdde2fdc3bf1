; Inno Setup script: installs the one-folder Windows build (dist\actlab\) and makes
; ActLab the opener of .actlab files, with the app's icon.
;
;   pyinstaller --noconfirm --clean actlab.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\actlab.iss   -> dist\ActLab-0.1.0-setup.exe
;
; Per-user by default (no administrator needed on a classroom laptop); the installer
; offers all users when run as administrator.  Names match packaging/app_info.py
; (tests/test_packaging_files.py checks it).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6E0C2A57-3B7E-4C59-9D1A-5A8C1B7E2F41}
AppName=ActLab
AppVersion={#AppVersion}
AppPublisher=The ActLab developers
DefaultDirName={autopf}\ActLab
DefaultGroupName=ActLab
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=..\..\resources\icons\actlab.ico
UninstallDisplayIcon={app}\actlab.exe
OutputDir=..\..\dist
OutputBaseFilename=ActLab-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Files]
Source: "..\..\dist\actlab\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\ActLab"; Filename: "{app}\actlab.exe"
Name: "{autodesktop}\ActLab"; Filename: "{app}\actlab.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Registry]
; .actlab -> ActLab.Lab, opened by the windowed actlab.exe, shown with its icon
Root: HKA; Subkey: "Software\Classes\.actlab"; ValueType: string; ValueName: ""; ValueData: "ActLab.Lab"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.actlab\OpenWithProgids"; ValueType: string; ValueName: "ActLab.Lab"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\ActLab.Lab"; ValueType: string; ValueName: ""; ValueData: "ActLab lab"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\ActLab.Lab\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\actlab.exe,0"
Root: HKA; Subkey: "Software\Classes\ActLab.Lab\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\actlab.exe"" ""%1"""

[Run]
Filename: "{app}\actlab.exe"; Description: "{cm:LaunchProgram,ActLab}"; Flags: nowait postinstall skipifsilent
