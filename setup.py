"""Package discovery for kaniwa's split layout.

The faces of every block live in top-level folders (``hw/``, ``golden/``, ``sim/``, ``boards/``)
so a reader finds ``hw/posit`` beside ``golden/posit`` without searching; they install as
subpackages of ``kaniwa``. A new block folder is picked up here without editing anything.
"""

from setuptools import find_packages, setup

FACES = {"hw": "kaniwa.hw", "golden": "kaniwa.golden", "sim": "kaniwa.sim",
         "boards": "kaniwa.boards"}

packages = ["kaniwa"] + [f"kaniwa.{sub}" for sub in find_packages("kaniwa")]
package_dir = {"kaniwa": "kaniwa"}
for folder, package in FACES.items():
    packages.append(package)
    packages += [f"{package}.{sub}" for sub in find_packages(folder)]
    package_dir[package] = folder

setup(packages=packages, package_dir=package_dir,
      package_data={"kaniwa.sim": ["*/*.py"]})
